"""The demo's pages under the production settings: cookies, nonces and plain-HTTP development."""

from __future__ import annotations

import re
from http import HTTPStatus
from http.cookies import Morsel

import pytest
from django.test import Client
from pytest_django import Settings

from tests.support.settings import HTTPS

pytestmark = pytest.mark.django_db


def _cookies_after_guestbook_post(client: Client) -> dict[str, Morsel[str]]:
    page = client.get("/guestbook/", secure=True)
    data = {"name": "Ada", "body": "hi", "csrfmiddlewaretoken": page.context["csrf_token"]}
    response = client.post("/guestbook/", data, secure=True)
    return {**page.cookies, **response.cookies}


def test_every_cookie_is_secure_httponly_samesite_and_host_prefixed(production: Settings) -> None:
    cookies = _cookies_after_guestbook_post(Client(enforce_csrf_checks=True, headers=HTTPS))

    assert set(cookies) == {"__Host-csrftoken", "__Host-messages"}
    for name, morsel in cookies.items():
        assert morsel["secure"] is True, name
        assert morsel["httponly"] is True, name
        assert morsel["samesite"] == "Lax", name
        assert morsel["path"] == "/", name
        assert not morsel["domain"], name


def test_a_page_with_a_script_gets_a_fresh_nonce_each_time(production: Settings) -> None:
    first = Client(headers=HTTPS).get("/guestbook/", secure=True)
    second = Client(headers=HTTPS).get("/guestbook/", secure=True)

    nonces = [
        response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        for response in (first, second)
    ]
    assert nonces[0] != nonces[1]
    assert f'nonce="{nonces[0]}"' in first.text
    assert "unsafe-inline" not in first["Content-Security-Policy"]


def test_development_over_plain_http_works_without_use_ssl(client: Client) -> None:
    response = client.get("/guestbook/")

    assert response.status_code == HTTPStatus.OK
    assert "Strict-Transport-Security" not in response
    assert "csrftoken" in response.cookies


def test_every_script_on_the_demo_pages_carries_integrity(client: Client) -> None:
    for path in ("/", "/guestbook/"):
        tags = re.findall(r"<script\b[^>]*>", client.get(path).text)
        assert tags, path
        assert all("integrity=" in tag for tag in tags), (path, tags)
