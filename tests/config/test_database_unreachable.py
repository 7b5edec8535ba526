"""A database manage.py cannot open stops it with one line; every other error keeps its traceback.

These need no database server: a refused port and a missing folder fail the same way on every
machine. The proof kit adds the cases a real PostgreSQL server answers.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from config.boot import CONFIG_ERROR_EXIT_STATUS
from tests.support.settings import run_python, strong_key


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
