"""Responses made for one visitor say `Cache-Control: private, no-store`; shared ones do not."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client
from django.utils.cache import get_max_age

pytestmark = pytest.mark.django_db


def directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(",")}


def test_the_sign_in_page_with_its_csrf_token_and_nonce_is_private() -> None:
    response = Client().get("/accounts/login/")

    assert "csrfmiddlewaretoken" in response.text
    assert {"private", "no-store"} <= directives(response["Cache-Control"])


def test_a_signed_in_admin_page_is_private() -> None:
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("admin", "a@example.com", "x"))

    response = client.get("/admin/")

    assert response.status_code == HTTPStatus.OK
    assert {"private", "no-store"} <= directives(response["Cache-Control"])


def test_a_response_that_sets_a_cookie_is_private() -> None:
    response = Client().post("/accounts/login/", {"username": "nobody", "password": "wrong"})

    assert response.cookies
    assert {"private", "no-store"} <= directives(response["Cache-Control"])


def test_a_static_file_stays_publicly_cacheable() -> None:
    response = Client().get(staticfiles_storage.url("core/site.css"))

    assert response.status_code == HTTPStatus.OK
    assert "private" not in response.get("Cache-Control", "")
    assert (get_max_age(response) or 0) > 3600


def test_a_redirect_that_is_the_same_for_everyone_is_not_forced_private() -> None:
    response = Client().get("/favicon.ico")

    assert "no-store" not in response.get("Cache-Control", "")
