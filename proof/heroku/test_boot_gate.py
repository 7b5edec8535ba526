"""gunicorn, as the Procfile and the Docker image start it, refuses to boot on an error.

A deployment that skips the release step (a container started by hand, a
platform without a release phase) must not serve: the master stops with
gunicorn's boot-failure status 3 and the reason on one line.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.settings import REPO, strong_key

BOOT_FAILURE = 3

ERRORS = {
    "debug under use_ssl": ({"DEBUG": "true"}, "bastion.E023"),
    "a weak key": ({"SECRET_KEY": "too-short"}, "bastion.E001"),
}


@pytest.mark.parametrize("case", ERRORS)
def test_gunicorn_stops_with_its_boot_failure_status_and_one_readable_line(case: str) -> None:
    overrides, check_id = ERRORS[case]
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(REPO),
        "ENV_FILE": "",
        "SECRET_KEY": strong_key(),
        "USE_SSL": "true",
        "ALLOWED_HOSTS": "bastion.example.com",
        "PORT": "0",
        "WEB_CONCURRENCY": "1",
        **overrides,
    }

    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "config.wsgi"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == BOOT_FAILURE
    reasons = [line for line in result.stderr.splitlines() if "Configuration error" in line]
    assert len(reasons) == 1, result.stderr
    assert check_id in reasons[0]
    assert "Traceback" not in result.stderr
    assert "Listening at" not in result.stderr + result.stdout
