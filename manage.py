#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Run `make install` to create the project's "
            "virtual environment, then use .venv/bin/python."
        ) from exc
    from config.boot import database_reachable

    # A database that cannot be opened stops the command with one line, not a traceback.
    with database_reachable():
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
