"""Login lockout (django-axes) on the one sign-in page, and the operator's way to lift it."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from apps.accounts.models import User
from tests.support.accounts import PASSWORD, SIGN_IN, sign_in, verified_user

pytestmark = pytest.mark.django_db

ADA = "ada@example.com"


@pytest.fixture(autouse=True)
def fast_hashing(settings: Settings) -> None:
    """Each attempt hashes a password; the production hasher would make this module slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ada() -> User:
    return verified_user(ADA)


def fail_times(client: Client, count: int, email: str = ADA) -> list[int]:
    return [sign_in(client, email, f"wrong-{attempt}") for attempt in range(count)]


def test_the_fifth_wrong_password_locks_the_account_and_the_right_one_is_refused(
    ada: User,
) -> None:
    client = Client()

    statuses = fail_times(client, 5)
    locked = client.post(SIGN_IN, {"login": ADA, "password": PASSWORD})

    assert statuses == [HTTPStatus.OK] * 4 + [HTTPStatus.TOO_MANY_REQUESTS]
    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "sessionid" not in locked.cookies
    assert "Too many sign-in attempts" in locked.text


def test_the_lockout_page_is_friendly_csp_clean_and_reveals_nothing(ada: User) -> None:
    client = Client()
    fail_times(client, 5)

    locked = client.post(SIGN_IN, {"login": ADA, "password": PASSWORD})

    assert "try again later" in locked.text
    assert "ada" not in locked.text
    assert PASSWORD not in locked.text
    assert "<script" not in locked.text
    assert "style=" not in locked.text
    assert "default-src 'none'" in locked["Content-Security-Policy"]


def test_without_two_factor_the_account_stays_locked_for_a_client_at_another_address(
    ada: User,
) -> None:
    fail_times(Client(REMOTE_ADDR="192.0.2.10"), 5)

    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), ADA) == HTTPStatus.TOO_MANY_REQUESTS


def test_with_two_factor_required_a_stranger_cannot_lock_the_owner_out(
    ada: User, settings: Settings
) -> None:
    settings.AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
    attacker = Client(REMOTE_ADDR="192.0.2.10")

    fail_times(attacker, 5)

    assert sign_in(attacker, ADA) == HTTPStatus.TOO_MANY_REQUESTS
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), ADA) == HTTPStatus.FOUND


def test_two_factor_switch_chooses_the_lockout_parameters() -> None:
    from tests.support.settings import load_settings_module

    on = load_settings_module(ADMIN_2FA="true")["AXES_LOCKOUT_PARAMETERS"]
    off = load_settings_module(ADMIN_2FA="false")["AXES_LOCKOUT_PARAMETERS"]

    assert on == [["username", "ip_address"], "ip_address"]
    assert off == ["username", "ip_address"]


def test_one_client_guessing_many_accounts_is_locked_out(ada: User) -> None:
    attacker = Client(REMOTE_ADDR="192.0.2.10")
    for name in ("alice", "bob", "carol", "dave", "erin"):
        sign_in(attacker, f"{name}@example.com", "password")

    assert sign_in(attacker, ADA) == HTTPStatus.TOO_MANY_REQUESTS
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), ADA) == HTTPStatus.FOUND


def test_a_right_password_before_the_limit_signs_in_and_clears_the_count(ada: User) -> None:
    client = Client()
    fail_times(client, 4)

    assert sign_in(client, ADA) == HTTPStatus.FOUND
    assert fail_times(Client(), 4) == [HTTPStatus.OK] * 4


def test_the_address_is_counted_whatever_its_case(ada: User) -> None:
    fail_times(Client(), 3, "ADA@example.com")
    fail_times(Client(), 2, "ada@EXAMPLE.com")

    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), ADA) == HTTPStatus.TOO_MANY_REQUESTS


def test_the_lockout_ends_after_the_cool_off(ada: User, settings: Settings) -> None:
    fail_times(Client(), 5)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )

    assert sign_in(Client(), ADA) == HTTPStatus.FOUND


def test_the_limit_and_the_cool_off_follow_the_environment() -> None:
    from tests.support.settings import load_settings_module

    values = load_settings_module(LOGIN_FAILURE_LIMIT="3", LOGIN_LOCKOUT_MINUTES="60")

    assert values["AXES_FAILURE_LIMIT"] == 3
    assert values["AXES_COOLOFF_TIME"] == timedelta(hours=1)


def test_the_attempts_are_not_shown_in_the_admin(ada: User) -> None:
    fail_times(Client(), 2)
    admin = Client()
    admin.force_login(verified_user("root@example.com", staff=True))

    assert AccessAttempt.objects.exists()
    assert admin.get("/admin/axes/accessattempt/").status_code == HTTPStatus.NOT_FOUND
    assert "axes" not in admin.get("/admin/").text


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("axes_reset", []),
        ("axes_reset_username", [ADA]),
        ("axes_reset_ip", ["127.0.0.1"]),
    ],
)
def test_an_operator_unlocks_from_manage_py(ada: User, command: str, args: list[str]) -> None:
    fail_times(Client(), 5)
    assert sign_in(Client(), ADA) == HTTPStatus.TOO_MANY_REQUESTS

    call_command(command, *args, verbosity=0)

    assert sign_in(Client(), ADA) == HTTPStatus.FOUND
