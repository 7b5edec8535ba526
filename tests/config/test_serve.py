"""
config/serve.py: the web process the Procfile and the image start.

gunicorn reads WEB_CONCURRENCY as it is imported, before gunicorn.conf.py; started
through config/serve.py, a value it cannot read stops it with one line, not a
traceback. The proof kit's Heroku and Docker runs serve through it for real.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.support.commands import image_command, procfile
from tests.support.settings import run_python

BOOT_FAILURE = 3


def test_the_procfile_and_the_image_start_the_same_server_through_it() -> None:
    assert procfile()["web"] == image_command()
    assert procfile()["web"] == [
        "python",
        "-m",
        "config.serve",
        "--config",
        "gunicorn.conf.py",
        "config.wsgi",
    ]


def serve(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the web command's module with these arguments and only these variables."""
    return run_python(["-m", "config.serve", *args], {"PATH": "/usr/bin:/bin", **env})


@pytest.mark.parametrize("value", ["two", "2.5", "²", "0x2"])
def test_a_count_gunicorn_cannot_read_stops_it_with_one_line(value: str) -> None:
    result = serve(*procfile()["web"][3:], WEB_CONCURRENCY=value)

    assert result.returncode == BOOT_FAILURE
    assert result.stderr.splitlines() == [
        f"WEB_CONCURRENCY={value!r} is not a count: set it to a whole number of 1 or more"
        " (1, 2, 4...), or unset it"
    ]


@pytest.mark.parametrize("value", ["", "  "])
def test_a_blank_count_reaches_gunicorn_as_unset(value: str) -> None:
    # gunicorn's own int("") would stop it; gunicorn.conf.py then takes its default of 2.
    result = serve(
        "--config",
        "gunicorn.conf.py",
        "--print-config",
        "config.wsgi",
        ENV_FILE="",
        DEBUG="true",
        WEB_CONCURRENCY=value,
    )

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    printed = {
        name.strip(): setting.strip()
        for name, _, setting in (line.partition("=") for line in result.stdout.splitlines())
    }
    assert printed["workers"] == "2"
    assert printed["config"] == "gunicorn.conf.py"


def test_it_hands_gunicorn_its_arguments_unchanged() -> None:
    result = serve("--version")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("gunicorn (version ")
