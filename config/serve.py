"""
The web process: gunicorn, once the one value it reads before its configuration is sound.

    python -m config.serve --config gunicorn.conf.py config.wsgi

The Procfile and the image start the server this way. gunicorn turns WEB_CONCURRENCY
into a number as it is imported, before gunicorn.conf.py runs, and stops on a value
that is not one with a traceback. This checks it first and stops such a value with one
line and gunicorn's boot-failure status 3, as gunicorn.conf.py does for the others.
Then gunicorn runs in this same process (as `python -m gunicorn` does), with the same
arguments, so GUNICORN_CMD_ARGS, the signals and the exit status are gunicorn's own.
"""

from __future__ import annotations

import os
import runpy
import sys

# config.boot's status, without importing it: that module imports pydantic.
CONFIG_ERROR_EXIT_STATUS = 3


def check_web_concurrency() -> None:
    """Stop with one line on a WEB_CONCURRENCY gunicorn cannot read; unset a blank one."""
    value = os.environ.get("WEB_CONCURRENCY")
    if value is None:
        return
    if not value.strip():
        # gunicorn.conf.py reads a blank count as unset; gunicorn's int("") would fail.
        del os.environ["WEB_CONCURRENCY"]
        return
    try:
        int(value)
    except ValueError:
        # gunicorn.conf.py's wording; it stops a number below 1 itself.
        fix = "set it to a whole number of 1 or more (1, 2, 4...), or unset it"
        print(f"WEB_CONCURRENCY={value!r} is not a count: {fix}", file=sys.stderr)
        raise SystemExit(CONFIG_ERROR_EXIT_STATUS) from None


def main() -> None:
    check_web_concurrency()
    runpy.run_module("gunicorn", run_name="__main__")


if __name__ == "__main__":
    main()
