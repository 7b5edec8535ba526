"""gunicorn, as the Procfile and the Docker image start it, refuses to boot on an error.

A deployment that skips the release step (a container started by hand, a
platform without a release phase) must not serve: the master stops with
gunicorn's boot-failure status 3 and the reason on one line. So must a server
variable gunicorn cannot use, gunicorn's own WEB_CONCURRENCY included.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.commands import image_command, procfile
from tests.support.settings import REPO, strong_key

BOOT_FAILURE = 3

ERRORS = {
    "debug under use_ssl": ({"DEBUG": "true"}, "bastion.E023"),
    "a weak key": ({"SECRET_KEY": "too-short"}, "bastion.E001"),
}


SERVER_VARIABLES = {
    "WEB_CONCURRENCY": ("two", "WEB_CONCURRENCY='two' is not a count: "),
    "PORT": ("99999", "PORT='99999' is not a port: "),
    "GUNICORN_THREADS": ("many", "GUNICORN_THREADS='many' is not a count: "),
}


def start(**overrides: str) -> subprocess.CompletedProcess[str]:
    """The Procfile's web command (the image's CMD too), in a production environment."""
    assert procfile()["web"] == image_command()
    command = [sys.executable if part == "python" else part for part in procfile()["web"]]
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
    return subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize("case", ERRORS)
def test_gunicorn_stops_with_its_boot_failure_status_and_one_readable_line(case: str) -> None:
    overrides, check_id = ERRORS[case]

    result = start(**overrides)

    assert result.returncode == BOOT_FAILURE
    reasons = [line for line in result.stderr.splitlines() if "Configuration error" in line]
    assert len(reasons) == 1, result.stderr
    assert check_id in reasons[0]
    assert "Traceback" not in result.stderr
    assert "Listening at" not in result.stderr + result.stdout


@pytest.mark.parametrize("name", SERVER_VARIABLES)
def test_a_server_variable_it_cannot_use_stops_it_with_one_line(name: str) -> None:
    value, reason = SERVER_VARIABLES[name]

    result = start(**{name: value})

    assert result.returncode == BOOT_FAILURE
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(reason)
    assert lines[0].endswith(", or unset it")
    assert result.stdout == ""
