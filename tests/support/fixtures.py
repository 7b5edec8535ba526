"""The fixtures the suite shares with the proof, which imports them from here."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sentry_sdk
from django.core.management import call_command
from django.test import override_settings
from pytest_django import Settings

from tests.support.settings import apply_production_settings


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


@pytest.fixture
def production(settings: Settings) -> Settings:
    """Django settings exactly as config/settings.py makes them for production (USE_SSL on)."""
    return apply_production_settings(settings)
