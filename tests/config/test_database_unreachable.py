"""A database manage.py cannot open stops it with one line; every other error keeps its traceback.

These need no database server: a refused port and a missing folder fail the same way on every
machine. The proof kit adds the cases a real PostgreSQL server answers.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config.boot import CONFIG_ERROR_EXIT_STATUS, RUNSERVER_EXIT_STATUS
from tests.support.settings import REPO, run_python, strong_key


def closed_port() -> int:
    """A loopback port nothing listens on: the kernel just handed it out and it was closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def env(clean_env: dict[str, str]) -> dict[str, str]:
    return {**clean_env, "SECRET_KEY": strong_key(), "DEBUG": "true"}


def test_a_refused_port_gives_one_line_naming_host_and_database_but_not_the_password(
    env: dict[str, str],
) -> None:
    port = closed_port()
    env["DATABASE_URL"] = f"postgres://app:hunter2-secret@127.0.0.1:{port}/shop"

    result = run_python(["manage.py", "migrate", "--noinput"], env)

    assert result.returncode == CONFIG_ERROR_EXIT_STATUS
    assert result.stderr.strip().splitlines() == [
        f"Configuration error: DATABASE_URL: the database 'shop' on 127.0.0.1:{port} cannot be "
        "opened (Connection refused); start the database server or correct the host and port "
        "in DATABASE_URL."
    ]
    assert "hunter2" not in result.stdout + result.stderr


def test_a_sqlite_file_in_a_missing_folder_names_the_folder_to_create(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "missing" / "db.sqlite3"
    env["DATABASE_URL"] = f"sqlite:///{path}"

    result = run_python(["manage.py", "migrate", "--noinput"], env)

    assert result.returncode == CONFIG_ERROR_EXIT_STATUS
    assert result.stderr.strip().splitlines() == [
        f"Configuration error: DATABASE_URL: the database {path} cannot be opened (unable to "
        f"open database file); create the folder {path.parent} or correct the path in "
        "DATABASE_URL."
    ]


def test_a_failing_query_on_an_open_database_keeps_its_traceback(
    env: dict[str, str], tmp_path: Path
) -> None:
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    query = "from django.db import connection; connection.cursor().execute('SELECT * FROM nope')"

    result = run_python(["manage.py", "shell", "--command", query], env)

    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "no such table: nope" in result.stderr
    assert "Configuration error" not in result.stderr


def test_commands_without_the_database_run_while_it_is_unreachable(env: dict[str, str]) -> None:
    env["DATABASE_URL"] = f"postgres://app@127.0.0.1:{closed_port()}/shop"

    result = run_python(["manage.py", "collectstatic", "--noinput", "--dry-run"], env)

    assert result.returncode == 0, result.stderr
    assert "static files copied" in result.stdout


@pytest.mark.parametrize("reload", [True, False], ids=["autoreloader", "noreload"])
def test_runserver_stops_with_the_one_line_instead_of_serving_nothing(
    env: dict[str, str], reload: bool
) -> None:
    # Django's own runserver printed a traceback from its serving thread and then kept
    # watching files, serving nothing: under the autoreloader, the run below would end only
    # at run_python's timeout.
    port = closed_port()
    env["DATABASE_URL"] = f"postgres://app@127.0.0.1:{port}/shop"
    command = ["manage.py", "runserver", f"127.0.0.1:{closed_port()}"]

    result = run_python(command if reload else [*command, "--noreload"], env)

    assert result.returncode == RUNSERVER_EXIT_STATUS
    assert result.stderr.strip().splitlines() == [
        f"Configuration error: DATABASE_URL: the database 'shop' on 127.0.0.1:{port} cannot be "
        "opened (Connection refused); start the database server or correct the host and port "
        "in DATABASE_URL."
    ]


def test_runserver_serves_when_the_database_opens(env: dict[str, str], tmp_path: Path) -> None:
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    port = closed_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        status = _healthz_status(port, server)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert status == 200


def _healthz_status(port: int, server: subprocess.Popen[str]) -> int:
    """/healthz's status once the server listens, or the server's error if it stopped."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"runserver stopped: {server.communicate()[1]}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/healthz", headers={"Host": "localhost"})
            return connection.getresponse().status
        except ConnectionRefusedError:
            time.sleep(0.1)
        finally:
            connection.close()
    raise AssertionError("runserver did not listen within 30 s")
