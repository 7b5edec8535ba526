"""
The CI configuration a clone pushes to GitHub: the workflow, Dependabot and pre-commit.

actionlint and zizmor read the workflow as GitHub would and must find nothing;
the rules GitHub cannot enforce for us (actions pinned to commits, read-only
token, no persisted credentials, a timeout on every job) are checked here too.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from proof import harness
from proof.harness import unavailable
from tests.support.settings import REPO

WORKFLOW = REPO / ".github" / "workflows" / "ci.yml"
DEPENDABOT = REPO / ".github" / "dependabot.yml"
PRE_COMMIT = REPO / ".pre-commit-config.yaml"
VENV_BIN = Path(sys.executable).parent

# A full commit SHA, then the release it is, as Dependabot keeps them.
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def workflow() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return loaded


def tool(name: str, hint: str) -> str:
    """A linter from .venv (where the proof groups put it) or from PATH."""
    path = shutil.which(name, path=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if path is None:
        unavailable(f"{name} is not installed: {hint}")
    return path


def run(command: list[str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def test_actionlint_finds_nothing_in_the_workflow() -> None:
    actionlint = tool("actionlint", "make install (the proof group)")

    result = run([actionlint, "-no-color", str(WORKFLOW)])

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_actionlint_reports_a_broken_workflow(tmp_path: Path) -> None:
    actionlint = tool("actionlint", "make install (the proof group)")
    broken = tmp_path / "ci.yml"
    broken.write_text(
        WORKFLOW.read_text().replace("runs-on: ubuntu-24.04", "runs-on: ubuntu-2404", 1)
    )

    result = run([actionlint, "-no-color", str(broken)])

    assert result.returncode == 1
    assert "ubuntu-2404" in result.stdout


def test_zizmor_finds_nothing_in_the_workflow_or_the_dependabot_file() -> None:
    """With GH_TOKEN (the workflow passes its read-only token) zizmor also asks GitHub whether
    each pinned SHA is a commit of that action and the release its comment names."""
    zizmor = tool("zizmor", "make prove")
    online = [] if os.environ.get("GH_TOKEN") else ["--offline"]

    result = run([zizmor, *online, "--no-progress", str(WORKFLOW), str(DEPENDABOT)])

    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_zizmor_reports_an_unpinned_action_and_a_checkout_that_keeps_its_token(
    tmp_path: Path,
) -> None:
    zizmor = tool("zizmor", "make prove")
    text = WORKFLOW.read_text()
    text = re.sub(r"actions/checkout@[0-9a-f]{40}", "actions/checkout@v7", text)
    text = text.replace("        with:\n          persist-credentials: false\n", "")
    (tmp_path / "ci.yml").write_text(text)

    result = run([zizmor, "--offline", "--no-progress", str(tmp_path / "ci.yml")])

    assert result.returncode != 0
    assert "unpinned-uses" in result.stdout
    assert "artipacked" in result.stdout


def test_every_action_is_pinned_to_a_commit_with_its_version_beside_it() -> None:
    uses = re.findall(r"uses: (\S+)(.*)$", WORKFLOW.read_text(), re.MULTILINE)

    assert uses
    for action, comment in uses:
        assert PINNED.match(action), action
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), f"{action}: no version comment"


def test_the_token_is_read_only_and_checkout_keeps_no_credentials() -> None:
    jobs = workflow()["jobs"]

    assert workflow()["permissions"] == {"contents": "read"}
    for name, job in jobs.items():
        assert "permissions" not in job, f"{name} widens the token"
        checkouts = [step for step in job["steps"] if "actions/checkout@" in step.get("uses", "")]
        assert checkouts, f"{name} never checks out the code"
        for step in checkouts:
            assert step["with"]["persist-credentials"] is False, name


def test_every_job_has_a_timeout_and_runs_on_a_pinned_runner_image() -> None:
    for name, job in workflow()["jobs"].items():
        assert 0 < job["timeout-minutes"] <= 45, name
        assert job["runs-on"] == "ubuntu-24.04", name


def test_the_matrix_tests_every_python_the_project_claims() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    matrix = workflow()["jobs"]["test"]["strategy"]["matrix"]["python"]
    floor = re.fullmatch(r">=3\.(\d+)", project["requires-python"])

    assert floor is not None, "requires-python must name its floor"
    # Django 5.2 supports Python up to 3.14: the matrix runs from the floor to there.
    assert matrix == [f"3.{minor}" for minor in range(int(floor.group(1)), 15)]


@pytest.mark.parametrize("python", ["3.11", "3.12", "3.13", "3.14"])
def test_the_lock_has_a_wheel_of_every_dependency_for_each_python_in_the_matrix(
    python: str, tmp_path: Path
) -> None:
    """A locked version without a wheel for a new Python would build from source, or fail."""
    uv = harness.UV
    requirements = tmp_path / "requirements.txt"
    exported = run(
        [str(uv), "export", "--locked", "--group", "dev", "--no-emit-project", "--no-hashes",
         "--format", "requirements-txt", "--quiet", "--output-file", str(requirements)]
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr

    resolved = run(
        [str(uv), "pip", "compile", str(requirements), "--no-deps", "--only-binary", ":all:",
         "--python-version", python, "--python-platform", "x86_64-manylinux_2_39",
         "--quiet", "--output-file", os.devnull]
    )  # fmt: skip

    assert resolved.returncode == 0, resolved.stderr


def test_dependabot_updates_each_ecosystem_weekly_in_one_pull_request() -> None:
    config = yaml.safe_load(DEPENDABOT.read_text())
    updates = {update["package-ecosystem"]: update for update in config["updates"]}

    assert set(updates) == {"uv", "github-actions", "docker", "docker-compose"}
    for ecosystem, update in updates.items():
        assert update["schedule"]["interval"] == "weekly", ecosystem
        assert [group["patterns"] for group in update["groups"].values()] == [["*"]], ecosystem
        assert update["directory"] == "/", ecosystem
    # Each ecosystem finds its manifest where the file says.
    for manifest in ("uv.lock", ".github/workflows/ci.yml", "Dockerfile", "docker-compose.yml"):
        assert (REPO / manifest).is_file(), manifest


def test_the_pre_commit_configuration_is_valid() -> None:
    pre_commit = tool("pre-commit", "make prove")

    result = run([pre_commit, "validate-config", str(PRE_COMMIT)])

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_hooks_run_exactly_the_commands_of_make_lint() -> None:
    makefile = (REPO / "Makefile").read_text()
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe is not None
    lint = {
        line.strip().replace("$(BIN)/", ".venv/bin/").removesuffix(" .")
        for line in recipe.group(1).splitlines()
    }
    hooks = yaml.safe_load(PRE_COMMIT.read_text())["repos"]

    entries = {
        hook["entry"].removesuffix(" --force-exclude").removesuffix(" .")
        for repo in hooks
        for hook in repo["hooks"]
    }

    assert [repo["repo"] for repo in hooks] == ["local"], "a remote hook needs the network"
    assert entries == lint


def test_the_hooks_pass_on_a_fresh_clone_without_the_network(tmp_path: Path) -> None:
    pre_commit = tool("pre-commit", "make prove")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(clone)],
        check=True,
        timeout=120,
    )
    (clone / ".venv").symlink_to(REPO / ".venv")
    # No proxy and an unroutable one: a hook that reached for the network would fail.
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
        "https_proxy": "http://127.0.0.1:9",
        "http_proxy": "http://127.0.0.1:9",
    }

    result = subprocess.run(
        [pre_commit, "run", "--all-files", "--color", "never"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("Passed") == 3, result.stdout
