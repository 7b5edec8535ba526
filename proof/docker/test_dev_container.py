"""The compose development container runs the everyday suite, as docs/docker.md says.

docker-compose.yml builds the Dockerfile's dev stage and bind-mounts the source at /app;
here buildah builds that stage and mounts this checkout the same way, read-only, so the
suite proves it needs nothing the stage lacks and writes nothing into the source.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from proof.docker.image import DOCKERFILE, REPO_ROOT, buildah, image
from proof.docker.image import run as _run

__all__ = ["buildah", "image"]

pytestmark = pytest.mark.deploy

DEV_IMAGE = "localhost/bastion-dev-test:latest"
BUILDAH_BUD = ["buildah", "bud", "--isolation", "chroot", "--layers"]
BUILDAH_RUN = ["buildah", "run", "--isolation", "chroot"]
# docs/docker.md's command for the everyday suite, without a cache written into /app.
SUITE = ["--", "python", "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider"]


@pytest.fixture(scope="module")
def dev_container(image: str) -> Iterator[str]:
    """A container of the dev stage; `image` first, so the base images and layers exist."""
    _run(
        [
            *BUILDAH_BUD,
            "--target",
            "dev",
            "--tag",
            DEV_IMAGE,
            "--file",
            str(DOCKERFILE),
            str(REPO_ROOT),
        ],
        timeout=1200,
    )
    container = _run(["buildah", "from", DEV_IMAGE]).strip()
    try:
        yield container
    finally:
        _run(["buildah", "rm", container], check=False)


def test_the_dev_container_runs_the_everyday_suite(dev_container: str) -> None:
    output = _run(
        [
            *BUILDAH_RUN,
            "--volume",
            f"{REPO_ROOT}:/app:ro",
            "--env",
            "HOME=/tmp",
            dev_container,
            *SUITE,
        ],
        timeout=600,
    )

    assert " passed" in output
    assert " failed" not in output
    assert " skipped" not in output
