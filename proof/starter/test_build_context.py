"""What ships is what runs: the image's build context and the Heroku slug hold no tests,
proof, docs or env files, and git ignores every env file but the example."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from proof.harness import REPO, unavailable
from proof.starter.project import copy_project

SERVES_REQUESTS = {
    "manage.py",
    "gunicorn.conf.py",
    "heroku-release.sh",
    "pyproject.toml",
    "uv.lock",
}
NEVER_SHIPPED = ("tests/", "proof/", "docs/", "scripts/", ".github/", ".ci/")
SECRETS = ("prod.env", ".env", ".env.production", "config/staging.env", "apps/core/.env.local")


def build_context(tree: Path, tmp_path: Path) -> set[str]:
    """The files `COPY . .` gets, as buildah applies .dockerignore to the build context."""
    probe = tmp_path / "Containerfile.probe"
    probe.write_text("FROM scratch\nCOPY . /context/\n")
    image = f"localhost/context-probe-{tmp_path.name.lower()}"
    build = subprocess.run(
        [
            "buildah",
            "bud",
            "--isolation",
            "chroot",
            "--quiet",
            "-f",
            str(probe),
            "-t",
            image,
            str(tree),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    try:
        mount = subprocess.run(
            ["buildah", "from", image], capture_output=True, text=True, check=True
        ).stdout.strip()
        root = (
            Path(
                subprocess.run(
                    ["buildah", "mount", mount], capture_output=True, text=True, check=True
                ).stdout.strip()
            )
            / "context"
        )
        return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}
    finally:
        subprocess.run(["buildah", "rm", "--all"], capture_output=True, check=False)
        subprocess.run(["buildah", "rmi", image], capture_output=True, check=False)


@pytest.fixture
def tree_with_secrets(tmp_path: Path) -> Path:
    tree = copy_project(tmp_path / "project")
    for name in SECRETS:
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text("SECRET_KEY=do-not-ship-me\n")
    return tree


def test_the_build_context_holds_only_what_serves_requests(
    tree_with_secrets: Path, tmp_path: Path
) -> None:
    if subprocess.run(["which", "buildah"], capture_output=True, check=False).returncode:
        unavailable("buildah is not installed (apt-get install buildah)")

    files = build_context(tree_with_secrets, tmp_path)

    assert files >= SERVES_REQUESTS
    assert "config/settings.py" in files
    assert "apps/core/checks/__init__.py" in files
    assert not [name for name in files if name.startswith(NEVER_SHIPPED)]
    assert not [name for name in files if name.endswith(".env") or "/.env" in f"/{name}"]
    assert not {"README.md", "Makefile", ".env.example", "docker-compose.yml"} & files


def test_git_ignores_every_env_file_but_the_example(tree_with_secrets: Path) -> None:
    checked = subprocess.run(
        ["git", "-C", str(REPO), "check-ignore", "--no-index", *SECRETS, ".env.example"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert checked.stdout.split() == list(SECRETS)


def test_the_heroku_slug_leaves_out_tests_proof_and_docs() -> None:
    patterns = {
        line.strip()
        for line in (REPO / ".slugignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }

    assert {"/tests", "/proof", "/docs", "/scripts"} <= patterns
    for pattern in patterns:
        assert (
            not (REPO / pattern.lstrip("/")).samefile(REPO / "config")
            if (REPO / pattern.lstrip("/")).exists()
            else True
        )


def test_make_dev_writes_an_env_file_only_its_owner_can_read(tmp_path: Path) -> None:
    tree = copy_project(tmp_path / "project")

    result = subprocess.run(["make", ".env"], cwd=tree, capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr
    assert (tree / ".env").stat().st_mode & 0o777 == 0o600
