"""The project's own tooling: the GitHub workflow and Dependabot's configuration."""

from __future__ import annotations

import subprocess
import sys

from tests.support.settings import REPO


def validate(path: str, schema: str) -> subprocess.CompletedProcess[str]:
    """check-jsonschema against one of the schemas it ships: no network."""
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(REPO / path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_github_workflow_is_valid() -> None:
    result = validate(".github/workflows/ci.yml", "vendor.github-workflows")

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dependabot_configuration_is_valid() -> None:
    result = validate(".github/dependabot.yml", "vendor.dependabot")

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_github_workflow_runs_the_same_make_test_on_both_databases() -> None:
    workflow = (REPO / ".github" / "workflows" / "ci.yml").read_text()

    assert "run: make test" in workflow
    assert "DATABASE_URL: postgres://" in workflow
    assert "image: postgres" in workflow
