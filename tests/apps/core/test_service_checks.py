"""apps/core/service_checks.py: the uploads checks fire on their misconfiguration only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import CheckMessage
from pytest_django import Settings

from apps.core import service_checks
from tests.support.settings import load_settings_module


def ids(messages: list[CheckMessage]) -> set[str]:
    return {str(message.id) for message in messages}


def s3(settings: Settings, **options: Any) -> None:
    """The STORAGES config/settings.py makes for a bucket, with these options changed."""
    storages = load_settings_module(AWS_STORAGE_BUCKET_NAME="shop-uploads")["STORAGES"]
    storages["default"]["OPTIONS"].update(options)
    settings.STORAGES = storages


def test_the_bucket_configuration_passes_every_uploads_check(production: Settings) -> None:
    s3(production)

    assert ids(service_checks.check_uploads()) == set()
    assert ids(service_checks.check_storage_credentials()) == set()


@pytest.mark.parametrize("acl", ["public-read", "public-read-write", "authenticated-read"])
def test_a_public_default_acl_fires_w131(production: Settings, acl: str) -> None:
    s3(production, default_acl=acl)

    assert ids(service_checks.check_uploads()) == {"bastion.W131"}


def test_a_public_acl_from_the_global_setting_fires_w131_too(production: Settings) -> None:
    s3(production)
    del production.STORAGES["default"]["OPTIONS"]["default_acl"]
    production.AWS_DEFAULT_ACL = "public-read"

    assert ids(service_checks.check_uploads()) == {"bastion.W131"}


def test_a_private_acl_is_accepted(production: Settings) -> None:
    s3(production, default_acl="private")

    assert ids(service_checks.check_uploads()) == set()


def test_unsigned_upload_urls_fire_w132(production: Settings) -> None:
    s3(production, querystring_auth=False)

    assert ids(service_checks.check_uploads()) == {"bastion.W132"}


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("http://s3.example.com", {"bastion.W133"}),
        ("https://s3.example.com", set()),
        ("http://127.0.0.1:9000", set()),
        ("http://localhost:9000", set()),
    ],
)
def test_a_plain_http_endpoint_beyond_this_machine_fires_w133(
    production: Settings, endpoint: str, expected: set[str]
) -> None:
    s3(production, endpoint_url=endpoint)

    assert ids(service_checks.check_uploads()) == expected


def test_uploads_to_the_local_disk_with_debug_off_fire_w130(production: Settings) -> None:
    production.STORAGES = {
        **production.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }

    assert ids(service_checks.check_uploads()) == {"bastion.W130"}


def test_uploads_to_the_local_disk_in_development_are_fine(settings: Settings) -> None:
    settings.DEBUG = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }

    assert ids(service_checks.check_uploads()) == set()


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"access_key": "AKIAEXAMPLE", "secret_key": None}, "AWS_SECRET_ACCESS_KEY"),
        ({"access_key": None, "secret_key": "s3-secret"}, "AWS_ACCESS_KEY_ID"),
    ],
)
def test_half_the_credentials_fire_w134_naming_the_missing_one(
    settings: Settings, options: dict[str, Any], named: str
) -> None:
    s3(settings, **options)

    messages = service_checks.check_storage_credentials()

    assert ids(messages) == {"bastion.W134"}
    assert f"without {named}" in str(messages[0].msg)
