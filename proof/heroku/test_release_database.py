"""A PostgreSQL database the release cannot open stops it with one line: where, why, the fix.

Against the real server on 127.0.0.1:5432: a database that does not exist and a user the
server does not know, through `manage.py migrate` (as `make migrate` and `make dev` run it)
and through heroku-release.sh. tests/config/test_database_unreachable.py covers a refused
port and SQLite, which need no server.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from config.boot import CONFIG_ERROR_EXIT_STATUS
from tests.support.release import database, production_env, release
from tests.support.settings import REPO, run_python

__all__ = ["database"]

SERVER = "127.0.0.1:5432"


def missing_database() -> tuple[str, str]:
    name = f"bastion_missing_{secrets.token_hex(4)}"
    return f"postgres://postgres@{SERVER}/{name}", (
        f"Configuration error: DATABASE_URL: the database '{name}' on {SERVER} cannot be opened "
        f'(database "{name}" does not exist); create the database or correct its name in '
        "DATABASE_URL."
    )


def unknown_user() -> tuple[str, str]:
    user = f"nobody_{secrets.token_hex(4)}"
    return f"postgres://{user}:hunter2-secret@{SERVER}/postgres", (
        f"Configuration error: DATABASE_URL: the database 'postgres' on {SERVER} cannot be "
        f'opened (role "{user}" does not exist); correct the user and password in DATABASE_URL.'
    )


CASES = {"missing database": missing_database, "unknown user": unknown_user}


@pytest.mark.parametrize("case", CASES)
def test_migrate_stops_with_one_line_and_status_3(
    clean_env: dict[str, str], database: Path, case: str
) -> None:
    url, line = CASES[case]()
    env = {**clean_env, **production_env(database, DATABASE_URL=url)}

    result = run_python(["manage.py", "migrate", "--noinput"], env)

    assert result.returncode == CONFIG_ERROR_EXIT_STATUS
    assert result.stderr.strip().splitlines() == [line]
    assert "hunter2" not in result.stdout + result.stderr


@pytest.mark.parametrize("case", CASES)
def test_the_release_stops_with_that_line_and_status_3(database: Path, case: str) -> None:
    url, line = CASES[case]()

    result = release(REPO, production_env(database, DATABASE_URL=url))

    assert result.returncode == CONFIG_ERROR_EXIT_STATUS
    failed = "release: FAILED: migrations did not apply."
    assert result.stderr.strip().splitlines() == [line, failed]
    assert "hunter2" not in result.stdout + result.stderr
