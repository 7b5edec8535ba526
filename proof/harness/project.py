"""The project as the proof runs it: its paths and tools, a process's environment, and the
build and release steps a dyno or a container runs before it serves."""

from __future__ import annotations

import json
import os
import runpy
import secrets
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parents[2]
GUNICORN_CONF = REPO / "gunicorn.conf.py"
# Tools come from the environment that runs this module: the project's .venv.
BIN = Path(sys.executable).parent
# The uv the Makefile pins. `make prove` names it, wherever its TOOLS put it; a bare
# pytest run finds it where `make install` puts it by default.
UV = Path(os.environ.get("PROOF_UV") or REPO / ".tools" / "bin" / "uv")


def requests_served_at_once(workers: int) -> int:
    """How many requests gunicorn.conf.py's server is sure to be serving at once.

    One per sync worker (a busy one takes no connection), or one worker's threads: with
    threads, the kernel may hand every connection to the same worker's socket.
    """
    threads: int = runpy.run_path(str(GUNICORN_CONF))["threads"]
    return threads if threads > 1 else workers


# Every request names this host, as a browser would the site's domain; the app lists it
# in ALLOWED_HOSTS. Connections still go to 127.0.0.1.
HOST = "localhost"
ORIGIN = f"https://{HOST}"
# The proxy header that a TLS-terminating router (Heroku's, a load balancer) adds.
HTTPS_HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https"}

# The project's settings with the proof-only site added (proof/site): the proof's servers
# serve the project's own URLs and the pages the proofs need, never the demo's.
SITE_SETTINGS = "proof.site.settings"

# Only what a process needs to run is inherited; the rest of the caller's environment
# (a DATABASE_URL, a DJANGO_SETTINGS_MODULE set by pytest) must not leak into a server.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def unavailable(message: str) -> NoReturn:
    """A missing tool skips the proof on a workstation; in CI (CI=true) it is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def base_env(**values: str) -> dict[str, str]:
    """A clean environment for a child process, with the given variables."""
    inherited = {name: os.environ[name] for name in INHERITED if name in os.environ}
    return {**inherited, "PYTHONUNBUFFERED": "1", **values}


def production_env(database_url: str, **values: str) -> dict[str, str]:
    """What a production dyno is given: a strong key, DEBUG off, HTTPS behind a proxy.

    With the proof site's settings unless `values` names another DJANGO_SETTINGS_MODULE.
    """
    production = {
        "DJANGO_SETTINGS_MODULE": SITE_SETTINGS,
        # A .env in the working tree must not change what is measured or tested.
        "ENV_FILE": "",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": HOST,
        "USE_SSL": "true",
        # Production asks staff for a second factor (deploy check bastion.W181).
        "ADMIN_2FA": "true",
        "DATABASE_URL": database_url,
    }
    return base_env(**{**production, **values})


def run_checked(command: Sequence[str], env: Mapping[str, str], *, timeout: float) -> float:
    """Run a command in the project directory; return its duration, or fail with its output."""
    started = time.monotonic()
    result = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited with {result.returncode}:\n{result.stdout}{result.stderr}"
        )
    return time.monotonic() - started


def release(database_url: str) -> float:
    """Run the release step (deploy checks, then migrations, the proof site's too); return
    how long it took."""
    env = production_env(database_url, PYTHON=sys.executable)
    return run_checked([str(REPO / "heroku-release.sh")], env, timeout=300)


def collectstatic() -> float:
    """Collect static files as the build does (no secrets, no database); return the duration."""
    env = base_env(ENV_FILE="", DEBUG="false", DJANGO_SETTINGS_MODULE=SITE_SETTINGS)
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"]
    return run_checked(command, env, timeout=300)


def hashed_static_path(name: str) -> str:
    """The URL path of a collected static file under its content-hashed name."""
    manifest = json.loads((REPO / "staticfiles" / "staticfiles.json").read_text())
    return f"/static/{manifest['paths'][name]}"
