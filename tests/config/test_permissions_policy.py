"""Permissions-Policy: django-permissions-policy denies every browser feature on every response."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static
from django.test import Client
from pytest_django.fixtures import Settings

# Features browsers shipped after the earlier hand-written list was made, and the classics.
MUST_BE_DENIED = (
    "camera",
    "geolocation",
    "microphone",
    "payment",
    "clipboard-read",
    "clipboard-write",
    "publickey-credentials-create",
    "storage-access",
    "window-management",
    "local-network-access",
)


def features(header: str) -> dict[str, str]:
    pairs = (item.strip().partition("=") for item in header.split(","))
    return {name: allowlist for name, _, allowlist in pairs}


@pytest.fixture(autouse=True)
def plain_static_storage(settings: Settings) -> None:
    """Pages render {% static %} without the manifest that only collectstatic writes."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/admin/login/", "/healthz", "/no/such/page/"])
def test_every_feature_but_unload_is_denied_to_every_origin(
    client: Client, settings: Settings, path: str
) -> None:
    sent = features(client.get(path)["Permissions-Policy"])

    assert set(sent) == set(settings.PERMISSIONS_POLICY)
    # The admin's scripts listen for unload: the site itself may, no other origin.
    assert sent.pop("unload") == "(self)"
    assert set(sent.values()) == {"()"}


def test_the_features_browsers_added_lately_are_denied(client: Client) -> None:
    sent = features(client.get("/healthz")["Permissions-Policy"])

    for feature in MUST_BE_DENIED:
        assert sent.get(feature) == "()", feature


def test_static_files_carry_the_policy_too(client: Client) -> None:
    response = client.get(static("core/site.css"))

    assert response.status_code == HTTPStatus.OK
    assert features(response["Permissions-Policy"])["camera"] == "()"


def test_a_feature_a_page_needs_can_be_allowed_to_the_site_alone(
    client: Client, settings: Settings
) -> None:
    settings.PERMISSIONS_POLICY = {**settings.PERMISSIONS_POLICY, "fullscreen": ["self"]}

    sent = features(client.get("/healthz")["Permissions-Policy"])

    assert sent["fullscreen"] == "(self)"
    assert sent["camera"] == "()"


def test_a_misspelt_feature_is_refused_not_sent(client: Client, settings: Settings) -> None:
    settings.PERMISSIONS_POLICY = {**settings.PERMISSIONS_POLICY, "camra": []}

    with pytest.raises(ImproperlyConfigured, match="camra"):
        client.get("/healthz")
