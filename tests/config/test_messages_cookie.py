"""The messages cookie is `__Host-messages` under USE_SSL, as the session and CSRF cookies are."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from pytest_django import Settings

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

pytestmark = pytest.mark.django_db


def add_a_group(client: Client, *, secure: bool = False) -> _MonkeyPatchedWSGIResponse:
    client.force_login(get_user_model().objects.create_superuser("admin", "a@example.com", "x"))
    return client.post("/admin/auth/group/add/", {"name": "editors"}, secure=secure)


def test_under_use_ssl_the_messages_cookie_is_host_prefixed_and_secure(
    production: Settings,
) -> None:
    # The cookie is under test, not the admin's second factor.
    production.ADMIN_2FA = False
    client = Client(headers={"Host": "bastion.example.com"})

    response = add_a_group(client, secure=True)

    assert response.status_code == HTTPStatus.FOUND
    cookie = response.cookies["__Host-messages"]
    assert cookie["secure"] is True
    assert cookie["path"] == "/"
    assert cookie["domain"] == ""
    assert "messages" not in response.cookies
    page = client.get(response["Location"], secure=True)
    assert "was added successfully" in page.text


def test_without_use_ssl_the_cookie_keeps_its_plain_name(settings: Settings) -> None:
    response = add_a_group(Client())

    assert "messages" in response.cookies
    assert "__Host-messages" not in response.cookies


def test_a_message_waits_through_pages_that_show_none(client: Client) -> None:
    response = add_a_group(client)

    assert client.get("/healthz").status_code == HTTPStatus.OK
    page = client.get(response["Location"])
    assert "was added successfully" in page.text
    assert "was added successfully" not in client.get(response["Location"]).text
