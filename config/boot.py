"""
Start-up refusals: a process that must not run stops here, with one line per problem.

gunicorn reads exit status 3 from a worker as "failed to boot" and stops the
master instead of respawning workers forever, so every refusal uses it: a bad
environment value (config/env.py's load()) and a configuration that must never
serve users (config/wsgi.py). Lines go to stderr and never quote a secret.
"""

from __future__ import annotations

import sys
from typing import NoReturn, get_args

from pydantic import SecretStr, ValidationError
from pydantic_settings import BaseSettings

CONFIG_ERROR_EXIT_STATUS = 3
# django.core.checks.Tags.commands, which django-stubs does not declare.
COMMANDS_TAG = "commands"


def fail(lines: list[str]) -> NoReturn:
    """Print each line to stderr and stop with the status gunicorn treats as a boot error."""
    for line in lines:
        print(line, file=sys.stderr)
    raise SystemExit(CONFIG_ERROR_EXIT_STATUS)


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
