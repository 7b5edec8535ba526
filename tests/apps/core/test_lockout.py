"""Login lockout (django-axes) on the admin login, and the operator's way to lift it."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase-9"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture(autouse=True)
def fast_hashing(settings: Settings) -> None:
    """Each attempt hashes a password; the production hasher would make this module slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_user() -> AbstractBaseUser:
    return get_user_model().objects.create_superuser("admin", "admin@example.com", PASSWORD)


def sign_in(client: Client, username: str, password: str) -> int:
    response = client.post(LOGIN, {"username": username, "password": password})
    return response.status_code


def fail_times(client: Client, count: int, username: str = "admin") -> list[int]:
    return [sign_in(client, username, f"wrong-{attempt}") for attempt in range(count)]


def test_the_fifth_wrong_password_locks_the_account_and_the_right_one_is_refused(
    admin_user: AbstractBaseUser,
) -> None:
    client = Client()

    statuses = fail_times(client, 5)
    locked = client.post(LOGIN, {"username": "admin", "password": PASSWORD})

    assert statuses == [HTTPStatus.OK] * 4 + [HTTPStatus.TOO_MANY_REQUESTS]
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "sessionid" not in locked.cookies
    assert "Too many sign-in attempts" in locked.text


def test_the_lockout_page_is_friendly_csp_clean_and_reveals_nothing(
    admin_user: AbstractBaseUser,
) -> None:
    client = Client()
    fail_times(client, 5)

    locked = client.post(LOGIN, {"username": "admin", "password": PASSWORD})

    assert "try again later" in locked.text
    assert "admin" not in locked.text.replace("administrator", "")
    assert PASSWORD not in locked.text
    assert "<script" not in locked.text
    assert "style=" not in locked.text
    assert "default-src 'none'" in locked["Content-Security-Policy"]


def test_the_account_stays_locked_for_a_client_at_another_address(
    admin_user: AbstractBaseUser,
) -> None:
    fail_times(Client(REMOTE_ADDR="192.0.2.10"), 5)

    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), "admin", PASSWORD) == (
        HTTPStatus.TOO_MANY_REQUESTS
    )


def test_one_client_guessing_many_accounts_is_locked_out(admin_user: AbstractBaseUser) -> None:
    attacker = Client(REMOTE_ADDR="192.0.2.10")
    for name in ("alice", "bob", "carol", "dave", "erin"):
        sign_in(attacker, name, "password")

    assert sign_in(attacker, "admin", PASSWORD) == HTTPStatus.TOO_MANY_REQUESTS
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), "admin", PASSWORD) == HTTPStatus.FOUND


def test_a_right_password_before_the_limit_signs_in_and_clears_the_count(
    admin_user: AbstractBaseUser,
) -> None:
    client = Client()
    fail_times(client, 4)

    assert sign_in(client, "admin", PASSWORD) == HTTPStatus.FOUND
    assert fail_times(Client(), 4) == [HTTPStatus.OK] * 4


def test_the_lockout_ends_after_the_cool_off(
    admin_user: AbstractBaseUser, settings: Settings
) -> None:
    fail_times(Client(), 5)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )

    assert sign_in(Client(), "admin", PASSWORD) == HTTPStatus.FOUND


def test_the_limit_and_the_cool_off_follow_the_environment() -> None:
    from tests.support.settings import load_settings_module

    values = load_settings_module(LOGIN_FAILURE_LIMIT="3", LOGIN_LOCKOUT_MINUTES="60")

    assert values["AXES_FAILURE_LIMIT"] == 3
    assert values["AXES_COOLOFF_TIME"] == timedelta(hours=1)


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("axes_reset", []),
        ("axes_reset_username", ["admin"]),
        ("axes_reset_ip", ["127.0.0.1"]),
    ],
)
def test_an_operator_unlocks_from_manage_py(
    admin_user: AbstractBaseUser, command: str, args: list[str]
) -> None:
    fail_times(Client(), 5)
    assert sign_in(Client(), "admin", PASSWORD) == HTTPStatus.TOO_MANY_REQUESTS

    call_command(command, *args, verbosity=0)

    assert sign_in(Client(), "admin", PASSWORD) == HTTPStatus.FOUND
