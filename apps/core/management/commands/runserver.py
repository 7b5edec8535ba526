"""runserver, which first stops with one line when a database cannot be opened.

Django's runserver opens the database only in the thread that serves, once the
autoreloader is watching: a database that cannot be opened there prints a traceback and
leaves the process running, serving nothing. This opens each database before anything
starts (and again in each process the autoreloader starts) and stops with the line
manage.py prints for other commands. It extends the runserver of
`whitenoise.runserver_nostatic`, listed after this app and before Django's staticfiles.
"""

from __future__ import annotations

from typing import Any

from whitenoise.runserver_nostatic.management.commands.runserver import (
    Command as RunserverCommand,
)

from config.boot import RUNSERVER_EXIT_STATUS, require_databases


class Command(RunserverCommand):  # type: ignore[misc]
    def handle(self, *args: Any, **options: Any) -> None:
        require_databases(status=RUNSERVER_EXIT_STATUS)
        super().handle(*args, **options)
