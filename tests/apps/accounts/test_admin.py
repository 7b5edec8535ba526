"""apps/accounts/admin.py: users are managed in the admin with Django's UserAdmin."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_user_model_is_registered_with_djangos_user_admin() -> None:
    assert isinstance(admin.site._registry[get_user_model()], UserAdmin)


def test_a_superuser_can_add_a_user_in_the_admin(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "grace",
            "password1": "another-long-passphrase-4",
            "password2": "another-long-passphrase-4",
            "usable_password": "true",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    grace = get_user_model().objects.get(username="grace")
    assert grace.check_password("another-long-passphrase-4")


def test_the_user_list_shows_the_users(admin_client: Client) -> None:
    get_user_model().objects.create_user("linus", "linus@example.com", "a-long-passphrase-9")

    response = admin_client.get("/admin/accounts/user/")

    assert response.status_code == HTTPStatus.OK
    assert "linus@example.com" in response.content.decode()
