"""Moving a deployment to the accounts: `otp_import` moves the former admin TOTP devices,
`verify_staff_emails` lets earlier admins sign in without a verification mail."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator
from http import HTTPStatus
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.db import connection
from django.test import Client
from pytest_django import Settings

from apps.accounts.models import User
from tests.support.accounts import sign_in, totp, verified_user

pytestmark = pytest.mark.django_db

# The columns of django-otp's TOTP table that the move reads, as its migrations left them.
TABLE = """CREATE TABLE otp_totp_totpdevice (
    id integer PRIMARY KEY, user_id integer NOT NULL, name varchar(64) NOT NULL,
    confirmed boolean NOT NULL, key varchar(80) NOT NULL, step smallint NOT NULL,
    t0 bigint NOT NULL, digits smallint NOT NULL
)"""


@pytest.fixture
def former_devices() -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(TABLE)
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE otp_totp_totpdevice")


def add_device(user: User, key: str, *, confirmed: bool = True, step: int = 30) -> None:
    with connection.cursor() as cursor:
        # The id is given: the column's default (serial, identity, rowid) differs by database.
        cursor.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM otp_totp_totpdevice")
        [next_id] = cursor.fetchone()
        cursor.execute(
            "INSERT INTO otp_totp_totpdevice (id, user_id, name, confirmed, key, step, t0, digits)"
            " VALUES (%s, %s, 'authenticator', %s, %s, %s, 0, 6)",
            [next_id, user.pk, confirmed, key, step],
        )


def move() -> str:
    out = StringIO()
    call_command("otp_import", stdout=out)
    return out.getvalue()


@pytest.mark.usefixtures("former_devices")
def test_the_phone_app_keeps_working_after_the_move(settings: Settings) -> None:
    settings.ADMIN_2FA = True
    root = verified_user("root@example.com", staff=True)
    key = secrets.token_hex(20)
    add_device(root, key)

    output = move()
    client = Client()
    sign_in(client, "root@example.com", next_url="/admin/")
    code = totp(base64.b32encode(bytes.fromhex(key)).decode())
    answered = client.post("/accounts/2fa/authenticate/", {"code": code})

    assert "Moved 1 authenticator app(s) of 1 device(s)." in output
    assert answered.status_code == HTTPStatus.FOUND
    assert client.get("/admin/").status_code == HTTPStatus.OK


@pytest.mark.usefixtures("former_devices")
def test_running_it_again_moves_nothing_twice() -> None:
    root = verified_user("root@example.com", staff=True)
    add_device(root, secrets.token_hex(20))

    move()
    again = move()

    assert "Already has an authenticator app: root" in again
    assert Authenticator.objects.filter(type=Authenticator.Type.TOTP).count() == 1


@pytest.mark.usefixtures("former_devices")
def test_unconfirmed_and_unusual_devices_are_not_moved() -> None:
    root = verified_user("root@example.com", staff=True)
    other = verified_user("ops@example.com", staff=True)
    add_device(root, secrets.token_hex(20), confirmed=False)
    add_device(other, secrets.token_hex(20), step=60)

    output = move()

    assert "Not moved (step 60, t0 0, 6 digits): ops" in output
    assert not Authenticator.objects.exists()


def test_a_database_without_the_former_tables_has_nothing_to_move() -> None:
    assert "nothing to move" in move()


def test_admins_from_before_the_accounts_sign_in_once_their_addresses_are_verified(
    settings: Settings,
) -> None:
    from django.contrib.auth import get_user_model

    from tests.support.accounts import PASSWORD

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_user_model().objects.create_superuser("old", "old@example.com", PASSWORD)
    get_user_model().objects.create_user("member", "member@example.com", PASSWORD)
    before = Client()
    asked = before.post("/accounts/login/", {"login": "old@example.com", "password": PASSWORD})

    out = StringIO()
    call_command("verify_staff_emails", stdout=out)

    assert asked["Location"] == "/accounts/confirm-email/"
    assert "Verified the address of 1 staff user(s)." in out.getvalue()
    assert sign_in(Client(), "old@example.com") == HTTPStatus.FOUND
    member = Client().post(
        "/accounts/login/", {"login": "member@example.com", "password": PASSWORD}
    )
    # Users who are not staff still prove their address by mail.
    assert member["Location"] == "/accounts/confirm-email/"
    assert not EmailAddress.objects.filter(email="member@example.com", verified=True).exists()
