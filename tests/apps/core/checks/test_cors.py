"""CORS (W002-W004), and origin regexes probed with the look-alikes an attacker can register."""

from __future__ import annotations

import re

import pytest
from pytest_django import Settings

from apps.core.checks import cors
from tests.apps.core.checks import ids


def test_cors_allowing_every_origin_fires_w002(production: Settings) -> None:
    production.CORS_ALLOW_ALL_ORIGINS = True

    assert ids(cors.check_cors()) == {"bastion.W002"}


def test_cors_with_a_plain_http_origin_under_use_ssl_fires_w003(production: Settings) -> None:
    production.CORS_ALLOWED_ORIGINS = ["http://app.example.com"]

    assert ids(cors.check_cors()) == {"bastion.W003"}


def test_cors_with_https_origins_is_quiet(production: Settings) -> None:
    production.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    production.CORS_ALLOW_CREDENTIALS = True

    assert cors.check_cors() == []


def test_http_cors_origins_are_fine_while_developing_without_ssl(settings: Settings) -> None:
    settings.USE_SSL = False
    settings.CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]

    assert cors.check_cors() == []


@pytest.mark.parametrize("regex", [r".*", r"^https://.*$", r"https://.*\.example\.com", r".+"])
def test_cors_credentials_with_a_wildcard_like_regex_fires_w004(
    production: Settings, regex: str
) -> None:
    production.CORS_ALLOW_CREDENTIALS = True
    production.CORS_ALLOWED_ORIGIN_REGEXES = [regex]

    assert "bastion.W004" in ids(cors.check_cors())


def test_cors_credentials_with_an_anchored_regex_are_quiet(production: Settings) -> None:
    production.CORS_ALLOW_CREDENTIALS = True
    production.CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://(app|admin)\.example\.com$"]

    assert cors.check_cors() == []


def test_cors_wildcard_regex_without_credentials_does_not_fire_w004(production: Settings) -> None:
    production.CORS_ALLOWED_ORIGIN_REGEXES = [r".*"]

    assert "bastion.W004" not in ids(cors.check_cors())


@pytest.mark.parametrize(
    ("regex", "look_alike"),
    [
        (r"^https://app\.example\.com", "https://app.example.com.attacker.example"),
        (r"^https://app.example\.com$", "https://appxexample.com"),
        (r"^https://.*example\.com$", "https://attackerexample.com"),
        (r"^https://[a-z]+\.herokuapp\.com$", "https://attacker.herokuapp.com"),
        (r"^(https://app\.example\.com|null)$", "null"),
        (r".*", "https://attacker.example"),
    ],
)
def test_a_loose_regex_is_shown_the_look_alike_it_accepts(regex: str, look_alike: str) -> None:
    assert re.match(regex, look_alike)
    assert look_alike in cors.accepted_look_alikes(regex)


@pytest.mark.parametrize(
    "regex",
    [
        r"^https://app\.example\.com$",
        r"^https://(app|admin)\.example\.com$",
        r"^https://([a-z0-9-]+\.)?example\.com(:\d+)?$",
        re.compile(r"^https://APP\.example\.com$", re.IGNORECASE),
    ],
)
def test_a_tight_regex_accepts_no_look_alike(regex: str | re.Pattern[str]) -> None:
    assert cors.accepted_look_alikes(regex) == []


def test_a_loose_regex_fires_w017_and_with_credentials_w004(production: Settings) -> None:
    production.CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://app\.example\.com"]
    production.CORS_ALLOW_CREDENTIALS = True

    messages = cors.check_cors_regexes()

    assert ids(messages) == {"bastion.W017"}
    assert "https://app.example.com.attacker.example" in messages[0].msg
    assert "bastion.W004" in ids(cors.check_cors())


def test_a_regex_that_does_not_compile_fires_w017_rather_than_passing(
    production: Settings,
) -> None:
    production.CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://(app\.example\.com$"]

    messages = cors.check_cors_regexes()

    assert ids(messages) == {"bastion.W017"}
    assert "does not compile" in messages[0].msg


def test_an_http_regex_under_use_ssl_fires_w018(production: Settings) -> None:
    production.CORS_ALLOWED_ORIGIN_REGEXES = [r"^https?://app\.example\.com$"]

    messages = cors.check_cors_regexes()

    assert ids(messages) == {"bastion.W018"}
    assert "http://app.example.com" in messages[0].msg


def test_an_http_regex_is_fine_while_developing_without_ssl(settings: Settings) -> None:
    settings.USE_SSL = False
    settings.CORS_ALLOWED_ORIGIN_REGEXES = [r"^http://localhost:3000$"]

    assert cors.check_cors_regexes() == []


@pytest.mark.parametrize("urls_regex", [r"^.*$", r"^/", r"^/(api|admin)/"])
def test_cors_urls_regex_widened_beyond_the_api_fires_w019(
    production: Settings, urls_regex: str
) -> None:
    production.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    production.CORS_URLS_REGEX = urls_regex

    assert ids(cors.check_cors_regexes()) == {"bastion.W019"}


def test_a_wide_cors_urls_regex_is_harmless_while_no_origin_is_allowed(
    production: Settings,
) -> None:
    production.CORS_URLS_REGEX = r"^.*$"

    assert cors.check_cors_regexes() == []


def test_the_shipped_api_only_cors_is_quiet(production: Settings) -> None:
    production.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    production.CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://(app|admin)\.example\.com$"]

    assert cors.check_cors_regexes() == []
