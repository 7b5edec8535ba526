"""The project's own tooling: the GitHub workflow and the documented configuration."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import REPO


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
