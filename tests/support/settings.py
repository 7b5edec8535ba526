"""Helpers the suite shares: the settings config/settings.py makes, and fresh processes.

The proof imports them too (proof -> product); fixtures stay in tests/conftest.py and
tests/support/fixtures.py.
"""

from __future__ import annotations

import copy
import functools
import importlib.util
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import global_settings
from pytest_django import Settings

REPO = Path(__file__).resolve().parents[2]

# Requests as they reach Django through the TLS-terminating proxy. gunicorn, not
# Django, reads the proxy's X-Forwarded-Proto (only from FORWARDED_ALLOW_IPS) and
# hands Django the scheme: here that is `secure=True`. Over HTTPS, Django's CSRF
# check also wants a same-origin Referer on posts.
HTTPS = {"Host": "bastion.example.com", "Referer": "https://bastion.example.com/"}


def strong_key() -> str:
    return secrets.token_urlsafe(50)


def run_python(code_or_args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the project's Python in a fresh process from the repository root."""
    return subprocess.run(
        [sys.executable, *code_or_args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def load_settings_module(**environ: str) -> dict[str, Any]:
    """Evaluate config/settings.py afresh with only these variables, as a new process would.

    The same variables give the same settings, so each set is evaluated once and every
    caller gets its own copy to change. With SENTRY_DSN it is evaluated every time: the
    module then starts error tracking, which is what such a test looks at.
    """
    if "SENTRY_DSN" in environ:
        return _evaluate_settings(frozenset(environ.items()))
    return copy.deepcopy(_settings_with(frozenset(environ.items())))


@functools.cache
def _settings_with(environ: frozenset[tuple[str, str]]) -> dict[str, Any]:
    return _evaluate_settings(environ)


def _evaluate_settings(environ: frozenset[tuple[str, str]]) -> dict[str, Any]:
    from config.env import Env

    spec = importlib.util.find_spec("config.settings")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with pytest.MonkeyPatch.context() as patch:
        for name in Env.model_fields:
            patch.delenv(name, raising=False)
        for name, value in environ:
            patch.setenv(name, value)
        spec.loader.exec_module(module)
    return {name: getattr(module, name) for name in dir(module) if name.isupper()}


def startup_refusal(capsys: pytest.CaptureFixture[str], name: str, value: str) -> str:
    """The one line a start-up stops with when `name` is `value` (exit status 3 asserted)."""
    from config.boot import CONFIG_ERROR_EXIT_STATUS

    with pytest.raises(SystemExit) as stopped:
        load_settings_module(SECRET_KEY=strong_key(), **{name: value})
    output = capsys.readouterr()
    assert stopped.value.code == CONFIG_ERROR_EXIT_STATUS
    assert not output.out
    lines = output.err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"Configuration error: {name}")
    return lines[0]


PRODUCTION_ENVIRON = {
    # Made afresh for each run: a key written in a file is public (bastion.E021).
    "SECRET_KEY": strong_key(),
    "ALLOWED_HOSTS": "bastion.example.com",
    "USE_SSL": "true",
    "HSTS_STAGE": "hour",
    "DEBUG": "false",
    "ADMIN_2FA": "true",
}


def apply_production_settings(settings: Settings, **overrides: str) -> Settings:
    """Switch to the settings config/settings.py makes for production, with these variables."""
    values = load_settings_module(**{**PRODUCTION_ENVIRON, **overrides})
    for name, value in values.items():
        # The test database and the collected static files stay as they are. A value the
        # suite already has is left alone: each change resets what depends on the setting.
        keep = name in {"DATABASES", "STATIC_ROOT", "STORAGES", "LOGGING"}
        if not keep and (not hasattr(settings, name) or getattr(settings, name) != value):
            setattr(settings, name, value)
    # Django's own default where the module sets none (the suite swaps in a quick hasher).
    settings.PASSWORD_HASHERS = values.get("PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    return settings
