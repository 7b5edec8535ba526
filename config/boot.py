"""
Start-up refusals: a process that must not run stops here, with one line per problem.

gunicorn reads exit status 3 from a worker as "failed to boot" and stops the
master instead of respawning workers forever, so every refusal uses it: a bad
environment value (config/env.py's load()), a configuration that must never
serve users (config/wsgi.py) and a database that cannot be opened (manage.py).
runserver's refusal of that database is the one exception, with status 1.
Lines go to stderr and never quote a secret.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, get_args

from pydantic import SecretStr, ValidationError
from pydantic_settings import BaseSettings

CONFIG_ERROR_EXIT_STATUS = 3
# Django's autoreloader starts runserver again whenever it exits with status 3 (its way
# of reloading), so runserver's refusal uses 1 and stops once.
RUNSERVER_EXIT_STATUS = 1
# django.core.checks.Tags.commands, which django-stubs does not declare.
COMMANDS_TAG = "commands"


def fail(lines: list[str], status: int = CONFIG_ERROR_EXIT_STATUS) -> NoReturn:
    """Print each line to stderr and stop, by default with gunicorn's boot-error status."""
    for line in lines:
        print(line, file=sys.stderr)
    raise SystemExit(status)


def error_lines(exc: ValidationError, model: type[BaseSettings]) -> list[str]:
    """One line per bad variable, with the expected form from its Field description."""
    lines: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "configuration"
        field = model.model_fields.get(name)
        secret = field is not None and SecretStr in (field.annotation, *get_args(field.annotation))
        shown = "" if secret or len(error["loc"]) != 1 else f"={error['input']!r}"
        reason = error["msg"].removeprefix("Value error, ")
        expected = field.description if field and field.description else "a valid value"
        line = f"Configuration error: {name}{shown} is invalid ({reason}); expected {expected}."
        lines.setdefault(name, line)
    return list(lines.values())


def refuse_unsafe_configuration() -> None:
    """Stop a server that is about to serve users with an error-level problem.

    Runs every check `check --deploy` runs except the management commands' own
    (Django's migration autodetector check, which imports the migration writer
    and autodetector and judges no setting a request reads), so a deployment
    that skips the release step is refused for the same errors; warnings stop
    releases only. The release step's `check --deploy` still runs them all.
    """
    # Imported when called: config/env.py imports this module while the settings
    # load, and a process that only reads its configuration needs no checks.
    from django.core.checks import CheckMessage
    from django.core.checks.registry import registry

    messages: list[CheckMessage] = []
    for check in registry.get_checks(include_deployment_checks=True):
        if set(check.tags) != {COMMANDS_TAG}:
            messages.extend(check(app_configs=None, databases=None))
    errors = [message for message in messages if message.is_serious() and not message.is_silenced()]
    if errors:
        fail(
            [
                f"Configuration error: {error.msg} {error.hint or ''} ({error.id})"
                for error in errors
            ]
        )


@contextmanager
def database_reachable() -> Iterator[None]:
    """Stop with one line when a command fails because the database cannot be opened.

    Costs nothing until an error: commands that never touch the database (collectstatic)
    run as before. Any other database error (a failing migration, a lock) keeps its
    traceback: the error counts as the database's only if a fresh connection fails too.
    """
    from django.db import OperationalError

    try:
        yield
    except OperationalError:
        line = _unopened_database()
        if line:
            fail([line])
        raise


def require_databases(status: int = CONFIG_ERROR_EXIT_STATUS) -> None:
    """Stop with one line unless every database can be opened; leave none of them open."""
    from django.db import connections

    line = _unopened_database()
    connections.close_all()
    if line:
        fail([line], status)


def _unopened_database() -> str | None:
    """The line for the first database that never connected and still cannot."""
    from django.db import OperationalError, connections

    for alias in connections:
        connection = connections[alias]
        if connection.connection is not None:  # it is open: the error was the command's
            continue
        try:
            connection.ensure_connection()
        except OperationalError as error:
            return database_error_line(connection.settings_dict, error)
    return None


def database_error_line(database: dict[str, Any], error: Exception) -> str:
    """Where the database is, the driver's reason (without the password) and the fix."""
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    # psycopg: 'connection failed: connection to server at "h", port 5432 failed: FATAL:  why'
    reason = reason.rsplit(" failed: ", 1)[-1].removeprefix("FATAL:").strip()
    if database.get("PASSWORD"):
        reason = reason.replace(str(database["PASSWORD"]), "***")
    if database["ENGINE"].endswith("sqlite3"):
        where = str(database["NAME"])
        fix = f"create the folder {Path(where).parent} or correct the path in DATABASE_URL"
    else:
        host, port = database.get("HOST") or "localhost", database.get("PORT") or 5432
        where = f"{database['NAME']!r} on {host}:{port}"
        fix = _server_fix(reason)
    opened = f"the database {where} cannot be opened ({reason})"
    return f"Configuration error: DATABASE_URL: {opened}; {fix}."


def _server_fix(reason: str) -> str:
    if "database" in reason and "does not exist" in reason:
        return "create the database or correct its name in DATABASE_URL"
    if reason.startswith(("role ", "password ")) or "authentication failed" in reason:
        return "correct the user and password in DATABASE_URL"
    return "start the database server or correct the host and port in DATABASE_URL"
