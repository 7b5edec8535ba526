"""HTTPS as USE_SSL promises it: bastion.W001, E010, W011 and E023."""

from __future__ import annotations

from pytest_django import Settings

from apps.core.checks import https
from tests.apps.core.checks import ids


def test_use_ssl_off_in_a_deploy_fires_w001(production: Settings) -> None:
    production.USE_SSL = False

    assert ids(https.check_https()) == {"bastion.W001"}


def test_preload_without_a_year_and_subdomains_fires_e010(production: Settings) -> None:
    production.SECURE_HSTS_PRELOAD = True

    assert ids(https.check_https()) == {"bastion.E010"}


def test_preload_with_a_year_and_subdomains_is_accepted(production: Settings) -> None:
    production.SECURE_HSTS_PRELOAD = True
    production.SECURE_HSTS_SECONDS = 31536000
    production.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    assert https.check_https() == []


def test_preload_with_a_year_but_no_subdomains_fires_e010(production: Settings) -> None:
    production.SECURE_HSTS_PRELOAD = True
    production.SECURE_HSTS_SECONDS = 63072000

    assert ids(https.check_https()) == {"bastion.E010"}


def test_plain_http_csrf_trusted_origin_under_use_ssl_fires_w011(production: Settings) -> None:
    production.CSRF_TRUSTED_ORIGINS = ["https://ok.example.com", "http://app.example.com"]

    messages = https.check_https()

    assert ids(messages) == {"bastion.W011"}
    assert "http://app.example.com" in messages[0].msg
    assert "https://ok.example.com" not in messages[0].msg


def test_https_csrf_trusted_origins_are_quiet(production: Settings) -> None:
    production.CSRF_TRUSTED_ORIGINS = ["https://app.example.com"]

    assert https.check_https() == []


def test_debug_under_use_ssl_is_an_error(production: Settings) -> None:
    production.DEBUG = True

    messages = https.check_debug_under_ssl()

    assert ids(messages) == {"bastion.E023"}
    assert messages[0].is_serious()


def test_debug_without_ssl_is_development_and_quiet(settings: Settings) -> None:
    settings.DEBUG = True
    settings.USE_SSL = False

    assert https.check_debug_under_ssl() == []
