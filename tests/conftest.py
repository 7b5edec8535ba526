"""Fixtures shared by the whole suite; the helpers they use are in tests/support/."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from pytest_django import DjangoDbBlocker, Settings

from tests.support.fixtures import (
    clean_env,
    collected_static,
    no_error_tracking_left_running,
    production,
)

__all__ = ["clean_env", "collected_static", "no_error_tracking_left_running", "production"]


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
def empty_cache() -> None:
    """Each test starts with an empty cache: rate limits count requests in it."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fresh_error_mail_limit() -> None:
    """Error mail is limited per kind of error for the whole process; each test starts at zero."""
    from django.conf import settings

    from apps.core.reporting import BackgroundAdminEmailHandler, RateLimit

    for handler in logging.getLogger("django").handlers:
        if isinstance(handler, BackgroundAdminEmailHandler):
            handler.limit = RateLimit(
                settings.ERROR_MAILS_PER_KIND, settings.ERROR_MAIL_WINDOW_SECONDS
            )
