"""`manage.py createsuperuser --noinput` applies the password validators."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

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
