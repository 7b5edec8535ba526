"""The production image built from the real Dockerfile with buildah, for every docker proof.

Where no registry can be reached, BASE_IMAGES_SCRIPT names a script that makes the base
images (python:3.13-slim, ghcr.io/astral-sh/uv:<version>) locally; it is run with
UV_VERSION set. Without it, buildah uses the images it already has or pulls.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from proof.harness import REPO, unavailable

REPO_ROOT = REPO
DOCKERFILE = REPO_ROOT / "Dockerfile"
# A path given explicitly by whoever runs the proof; nothing here guesses one.
BASE_IMAGES_SCRIPT = os.environ.get("BASE_IMAGES_SCRIPT", "")
IMAGE = "localhost/bastion-deploy-test:latest"
BUILD_TIMEOUT_SECONDS = 1200


def run(
    args: list[str],
    *,
    timeout: float = 120,
    check: bool = True,
    env: dict[str, str] | None = None,
) -> str:
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=timeout, check=False, env=env
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"{' '.join(args[:4])} ... exited {result.returncode}:\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


@pytest.fixture(scope="module", autouse=True)
def buildah() -> None:
    """Without buildah these tests are skipped, except in CI, where that is a failure."""
    if shutil.which("buildah") is None:
        unavailable("buildah is not installed (apt-get install buildah); CI must build the image")


@pytest.fixture(scope="module")
def image() -> str:
    """The Dockerfile, built for real; the layer cache keeps a second build short."""
    uv_version = re.search(r"ghcr\.io/astral-sh/uv:(\S+)", DOCKERFILE.read_text())
    assert uv_version, "the Dockerfile no longer copies uv from ghcr.io/astral-sh/uv:<version>"
    if BASE_IMAGES_SCRIPT:
        if not Path(BASE_IMAGES_SCRIPT).is_file():
            pytest.fail(f"BASE_IMAGES_SCRIPT={BASE_IMAGES_SCRIPT} is not a file")
        run(
            ["bash", BASE_IMAGES_SCRIPT],
            env={**os.environ, "UV_VERSION": uv_version.group(1)},
            timeout=600,
        )
    previous = run(["buildah", "images", "--quiet", IMAGE], check=False).strip()
    # Docker's image format: OCI image configs have no HEALTHCHECK.
    run(
        [
            "buildah",
            "bud",
            "--isolation",
            "chroot",
            "--layers",
            "--format",
            "docker",
            "--tag",
            IMAGE,
            "--file",
            str(DOCKERFILE),
            str(REPO_ROOT),
        ],
        timeout=BUILD_TIMEOUT_SECONDS,
    )
    current = run(["buildah", "images", "--quiet", IMAGE]).strip()
    if previous and previous != current:
        # The last run's image, now untagged; its cached layers stay.
        run(["buildah", "rmi", previous], check=False)
    return IMAGE
