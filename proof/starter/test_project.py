"""The project's own tooling: the task runner, the GitHub workflow and removing the demo."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, strong_key


def make(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_make_help_lists_every_target_with_a_description() -> None:
    makefile = (REPO / "Makefile").read_text()
    phony = set(re.search(r"^\.PHONY: (.+)$", makefile, re.M).group(1).split())  # type: ignore[union-attr]

    result = make("help")

    listed = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert result.returncode == 0
    assert listed == phony
    assert {"dev", "test", "lint", "help"} <= listed
    assert all(len(line.split(maxsplit=1)) == 2 for line in result.stdout.splitlines())


def test_the_github_workflow_is_valid() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(REPO / ".github" / "workflows" / "ci.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_github_workflow_runs_the_same_make_test_on_both_databases() -> None:
    workflow = (REPO / ".github" / "workflows" / "ci.yml").read_text()

    assert "run: make test" in workflow
    assert "DATABASE_URL: postgres://" in workflow
    assert "image: postgres" in workflow


def test_the_env_example_lists_every_variable_and_the_readme_documents_each() -> None:
    from config.env import Env

    example = (REPO / ".env.example").read_text()
    readme = (REPO / "README.md").read_text()

    for name in Env.model_fields:
        assert re.search(rf"^#? ?{name}=", example, re.M), name
        assert f"| `{name}` |" in readme, name


def test_removing_the_demo_takes_one_step_and_leaves_a_working_project(tmp_path: Path) -> None:
    tree = tmp_path / "project"
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in files:
        if (REPO / name).is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, tree / name)

    removed = make("remove-demo", cwd=tree)
    env = {"PATH": "/usr/bin:/bin", "ENV_FILE": "", "SECRET_KEY": strong_key(), "DEBUG": "false"}
    check = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    suite = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/apps",
            "tests/config/test_security.py",
        ],
        cwd=tree,
        env={**env, "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert removed.returncode == 0, removed.stderr
    assert not (tree / "apps" / "demo").exists()
    assert '"apps.demo"' not in (tree / "config" / "settings.py").read_text()
    assert check.returncode == 0, check.stderr
    assert suite.returncode == 0, suite.stdout[-3000:]
    assert " passed" in suite.stdout
