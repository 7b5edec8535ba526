"""ADMIN_2FA: the admin asks for a one-time code from a device `manage.py otp_enrol` set up."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from http import HTTPStatus
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings

from apps.core.two_factor import TwoFactorAdminSite
from tests.support.settings import run_python

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase-9"


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238's code for a base32 secret (30 s steps, 6 digits, SHA-1), as an app computes it."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def enrol(username: str, *args: str) -> tuple[str, list[str]]:
    out = StringIO()
    call_command("otp_enrol", username, *args, stdout=out)
    lines = [line.strip() for line in out.getvalue().splitlines()]
    link = next(line for line in lines if line.startswith("otpauth://"))
    secret = parse_qs(urlsplit(link).query)["secret"][0]
    codes = lines[lines.index(next(ln for ln in lines if ln.startswith("Recovery"))) + 1 :]
    return secret, codes


@pytest.fixture(autouse=True)
def fast_hashing(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_user() -> AbstractBaseUser:
    return get_user_model().objects.create_superuser("admin", "admin@example.com", PASSWORD)


@pytest.fixture
def two_factor_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    """What config/urls.py does under ADMIN_2FA=true, for this test's requests."""
    monkeypatch.setattr(admin.site, "__class__", TwoFactorAdminSite)


def sign_in(client: Client, token: str, device: str = "authenticator") -> int:
    """Password and code, with the device picked as django-otp's admin login form asks."""
    chosen = _device(device)
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": "admin",
            "password": PASSWORD,
            "otp_device": chosen.persistent_id if chosen else "",
            "otp_token": token,
        },
    )
    return response.status_code


def _device(name: str) -> TOTPDevice | StaticDevice | None:
    return (
        TOTPDevice.objects.filter(name=name).first()
        or StaticDevice.objects.filter(name=name).first()
    )


def test_enrol_prints_an_authenticator_link_and_ten_recovery_codes(
    admin_user: AbstractBaseUser,
) -> None:
    secret, codes = enrol("admin")

    assert len(base64.b32decode(secret + "=" * (-len(secret) % 8))) == 20
    assert len(codes) == 10
    assert len(set(codes)) == 10


@pytest.mark.usefixtures("two_factor_admin")
def test_the_right_code_from_the_app_signs_in(admin_user: AbstractBaseUser) -> None:
    secret, _ = enrol("admin")
    client = Client()

    assert sign_in(client, totp(secret)) == HTTPStatus.FOUND
    assert client.get("/admin/").status_code == HTTPStatus.OK


@pytest.mark.usefixtures("two_factor_admin")
def test_a_wrong_or_missing_code_is_refused_even_with_the_right_password(
    admin_user: AbstractBaseUser,
) -> None:
    secret, _ = enrol("admin")
    wrong = f"{(int(totp(secret)) + 1) % 1_000_000:06d}"
    client = Client()

    assert sign_in(client, wrong) == HTTPStatus.OK
    assert sign_in(client, "") == HTTPStatus.OK
    assert client.get("/admin/").status_code == HTTPStatus.FOUND


@pytest.mark.usefixtures("two_factor_admin")
def test_a_recovery_code_signs_in_once(admin_user: AbstractBaseUser) -> None:
    _, codes = enrol("admin")

    assert sign_in(Client(), codes[0], "recovery") == HTTPStatus.FOUND
    assert sign_in(Client(), codes[0], "recovery") == HTTPStatus.OK


@pytest.mark.usefixtures("two_factor_admin")
def test_a_user_without_a_device_cannot_enter_the_admin(admin_user: AbstractBaseUser) -> None:
    client = Client()

    assert sign_in(client, "123456") == HTTPStatus.OK
    assert client.get("/admin/").status_code == HTTPStatus.FOUND


def test_without_the_switch_the_password_alone_signs_in(admin_user: AbstractBaseUser) -> None:
    assert sign_in(Client(), "") == HTTPStatus.FOUND


def test_enrolling_again_needs_replace_and_then_old_codes_stop_working(
    admin_user: AbstractBaseUser, two_factor_admin: None
) -> None:
    _, old_codes = enrol("admin")
    with pytest.raises(CommandError, match="--replace"):
        enrol("admin")

    enrol("admin", "--replace")

    assert sign_in(Client(), old_codes[0], "recovery") == HTTPStatus.OK


def test_enrolling_an_unknown_user_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="No user 'ghost'"):
        enrol("ghost")


@pytest.mark.parametrize(
    ("value", "site"), [("true", "TwoFactorAdminSite"), ("false", "BastionAdminSite")]
)
def test_the_admin_2fa_switch_chooses_the_admin_site(
    clean_env: dict[str, str], value: str, site: str
) -> None:
    clean_env.update({"ADMIN_2FA": value, "DJANGO_SETTINGS_MODULE": "config.settings"})
    code = (
        "import django; django.setup(); import config.urls; "
        "from django.contrib import admin; print(admin.site.__class__.__name__)"
    )

    result = run_python(["-c", code], clean_env)

    assert result.stdout.strip() == site, result.stderr
