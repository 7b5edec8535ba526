"""Fixtures shared by the whole suite."""

from __future__ import annotations

import copy
import functools
import importlib.util
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sentry_sdk
from django.conf import global_settings
from django.core.management import call_command
from django.test import override_settings
from pytest_django import DjangoDbBlocker, Settings

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Collect static files once, as the build step does: templates need the manifest.

    They go to a folder of the run's own, uncompressed: compressing every admin file
    with gzip and brotli would take most of the run, and the hashed names and the
    manifest are the same without it. The build's compression is proved by the proof kit.
    """
    root = tmp_path_factory.mktemp("staticfiles")
    uncompressed = ["css", "js", "map", "svg", "txt", "md", "json", "html", "ico"]
    with override_settings(STATIC_ROOT=root, WHITENOISE_SKIP_COMPRESS_EXTENSIONS=uncompressed):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield root


@pytest.fixture(scope="session", autouse=True)
def readiness_probe_disconnected(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[None]:
    """/readyz queries from a thread of its own, which keeps its connection as a worker does.

    It is closed before the test database is dropped: PostgreSQL drops no database that a
    session still uses.
    """
    yield
    from django.db import connections

    from apps.core import views

    with django_db_blocker.unblock():
        views._probe_pool.submit(connections.close_all).result(timeout=10)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Settings) -> None:
    """Tests that sign users in test the flows, not the hasher: a cheap one keeps them quick.

    Tests of the shipped hashers read them from config/settings.py (`production`).
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_error_tracking_left_running() -> Iterator[None]:
    """A test that evaluates the settings with SENTRY_DSN starts Sentry; it stops after it.

    Later tests run without a client, as a process without SENTRY_DSN does. Left running,
    its Django integration would also wrap every signal of every later test in a span.
    """
    yield
    client = sentry_sdk.get_client()
    if client.is_active():
        client.close(timeout=2)
        sentry_sdk.get_global_scope().set_client(None)


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with an empty cache: rate limits count requests in it."""
    from django.core.cache import cache

    cache.clear()


def strong_key() -> str:
    return secrets.token_urlsafe(50)


@pytest.fixture
def clean_env() -> dict[str, str]:
    """The environment of a fresh process, without any of Bastion's variables or .env."""
    from config.env import Env

    env = {key: value for key, value in os.environ.items() if key not in Env.model_fields}
    env["ENV_FILE"] = ""
    # A checkout has no collected static files until the build step; WhiteNoise says so
    # at start-up, which a test of start-up's own messages must not count.
    env["PYTHONWARNINGS"] = "ignore:No directory at:UserWarning"
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


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
    from config.env import CONFIG_ERROR_EXIT_STATUS

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


@pytest.fixture
def production(settings: Settings) -> Settings:
    """Django settings exactly as config/settings.py makes them for production (USE_SSL on)."""
    return apply_production_settings(settings)
