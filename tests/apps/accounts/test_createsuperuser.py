"""`manage.py createsuperuser --noinput` applies the password validators; its address counts
as verified."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from pytest_django import Settings

from tests.support.accounts import sign_in

pytestmark = pytest.mark.django_db


def create(monkeypatch: pytest.MonkeyPatch, password: str, username: str = "admin") -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)
    call_command(
        "createsuperuser",
        interactive=False,
        username=username,
        email="admin@example.com",
        verbosity=0,
    )


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("password", "too common"),
        ("short7!", "too short"),
        ("4815162342108", "entirely numeric"),
        ("margaret.hamilton", "too similar to the username"),
    ],
)
def test_a_weak_password_is_refused_and_no_user_is_created(
    monkeypatch: pytest.MonkeyPatch, password: str, reason: str
) -> None:
    with pytest.raises(CommandError, match=reason) as error:
        create(monkeypatch, password, username="margaret.hamilton")

    assert str(error.value).startswith("DJANGO_SUPERUSER_PASSWORD is too weak:")
    assert not get_user_model().objects.exists()


def test_a_strong_password_creates_the_superuser(monkeypatch: pytest.MonkeyPatch) -> None:
    create(monkeypatch, "correct-horse-battery-staple-42")

    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser
    assert user.check_password("correct-horse-battery-staple-42")


def test_the_new_admin_can_sign_in_with_its_address_at_once(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    create(monkeypatch, "a-long-passphrase-9")

    client = Client()

    assert EmailAddress.objects.get(email="admin@example.com").verified
    assert sign_in(client, "admin@example.com") == HTTPStatus.FOUND
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_an_existing_admin_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    get_user_model().objects.create_superuser("old", "old@example.com", "x")
    create(monkeypatch, "a-long-passphrase-9")

    assert not EmailAddress.objects.filter(email="old@example.com").exists()
