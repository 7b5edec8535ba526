"""Sessions and their cookies: bastion.E028, W029 and W030."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django import Settings

from apps.core.checks import sessions
from tests.apps.core.checks import ids


@pytest.mark.parametrize(
    "serializer", ["django.contrib.sessions.serializers.PickleSerializer", "pickle.Pickler"]
)
def test_a_session_serializer_other_than_json_is_an_error(
    production: Settings, serializer: str
) -> None:
    production.SESSION_SERIALIZER = serializer

    messages = sessions.check_sessions()

    assert ids(messages) == {"bastion.E028"}
    assert messages[0].is_serious()


def test_signed_cookie_sessions_fire_w029(production: Settings) -> None:
    production.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"

    assert ids(sessions.check_sessions()) == {"bastion.W029"}


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("SESSION_COOKIE_NAME", "sessionid", "lacks the __Host- prefix"),
        ("SESSION_COOKIE_DOMAIN", ".example.com", "refused by browsers"),
        ("CSRF_COOKIE_PATH", "/app/", "refused by browsers"),
        ("SESSION_COOKIE_SAMESITE", "None", "SESSION_COOKIE_SAMESITE"),
        ("CSRF_COOKIE_SAMESITE", False, "CSRF_COOKIE_SAMESITE"),
    ],
)
def test_weaker_cookies_under_use_ssl_fire_w030(
    production: Settings, name: str, value: Any, problem: str
) -> None:
    setattr(production, name, value)

    messages = sessions.check_sessions()

    assert ids(messages) == {"bastion.W030"}
    assert problem in messages[0].msg
