"""The admin signs in through the accounts' one sign-in page; ADMIN_2FA asks for a factor."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from pytest_django import Settings

from apps.accounts.models import User
from tests.support.accounts import enrol_totp, recovery_codes, sign_in, totp, verified_user

pytestmark = pytest.mark.django_db

ROOT = "root@example.com"
SECOND_FACTOR = "/accounts/2fa/authenticate/"


@pytest.fixture
def root() -> User:
    return verified_user(ROOT, staff=True)


@pytest.fixture
def two_factor(settings: Settings) -> None:
    settings.ADMIN_2FA = True


def enrolled(root: User) -> tuple[str, list[str]]:
    client = Client()
    sign_in(client, ROOT)
    secret = enrol_totp(client)
    return secret, recovery_codes(client)


def sign_in_with_code(client: Client, code: str) -> int:
    assert sign_in(client, ROOT, next_url="/admin/") == HTTPStatus.FOUND
    return client.post(SECOND_FACTOR, {"code": code}).status_code


def test_the_admin_login_page_sends_to_the_one_sign_in_page(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/auth/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fauth%2F"


def test_the_admin_login_page_takes_no_password(client: Client, root: User) -> None:
    client.post("/admin/login/", {"username": "root", "password": "a-long-passphrase-9"})

    assert client.get("/admin/").status_code == HTTPStatus.FOUND


def test_a_next_address_on_another_site_is_ignored(client: Client) -> None:
    response = client.get("/admin/login/?next=https://evil.example.net/")

    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_without_the_switch_the_password_alone_opens_the_admin(root: User) -> None:
    client = Client()
    sign_in(client, ROOT)

    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_a_signed_in_user_who_is_not_staff_is_refused(client: Client) -> None:
    verified_user("ada@example.com")
    sign_in(client, "ada@example.com")

    assert client.get("/admin/login/").status_code == HTTPStatus.FORBIDDEN


@pytest.mark.usefixtures("two_factor")
def test_staff_without_a_factor_are_sent_to_set_one_up(root: User) -> None:
    client = Client()
    sign_in(client, ROOT)

    first = client.get("/admin/", follow=True)

    assert first.redirect_chain[-1][0] == "/accounts/2fa/?next=%2Fadmin%2F"


@pytest.mark.usefixtures("two_factor")
def test_the_right_code_from_the_app_opens_the_admin(root: User) -> None:
    secret, _ = enrolled(root)
    client = Client()

    assert sign_in_with_code(client, totp(secret)) == HTTPStatus.FOUND
    assert client.get("/admin/").status_code == HTTPStatus.OK


@pytest.mark.usefixtures("two_factor")
def test_a_code_already_used_is_refused(root: User) -> None:
    secret, _ = enrolled(root)
    code = totp(secret)
    assert sign_in_with_code(Client(), code) == HTTPStatus.FOUND
    thief = Client()

    # The same code, seen over a shoulder and replayed within its 30 seconds.
    assert sign_in_with_code(thief, code) == HTTPStatus.OK
    assert thief.get("/admin/").status_code == HTTPStatus.FOUND


@pytest.mark.usefixtures("two_factor")
def test_a_wrong_code_is_refused_even_with_the_right_password(root: User) -> None:
    secret, _ = enrolled(root)
    wrong = f"{(int(totp(secret)) + 1) % 1_000_000:06d}"
    client = Client()

    assert sign_in_with_code(client, wrong) == HTTPStatus.OK
    assert client.get("/admin/").status_code == HTTPStatus.FOUND


@pytest.mark.usefixtures("two_factor")
def test_a_recovery_code_signs_in_once(root: User) -> None:
    _, codes = enrolled(root)

    assert len(codes) == 10
    assert sign_in_with_code(Client(), codes[0]) == HTTPStatus.FOUND
    assert sign_in_with_code(Client(), codes[0]) == HTTPStatus.OK


@pytest.mark.usefixtures("two_factor")
def test_a_session_signed_in_before_enrolling_must_give_a_code(root: User) -> None:
    client = Client()
    sign_in(client, ROOT)
    secret = enrol_totp(client)

    asked = client.get("/admin/", follow=True)
    client.post("/accounts/2fa/reauthenticate/", {"code": totp(secret)})

    assert asked.redirect_chain[-1][0].startswith("/accounts/2fa/reauthenticate/")
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_second_factor_secrets_are_not_readable_in_the_admin(root: User) -> None:
    enrolled(root)
    client = Client()
    client.force_login(root)
    factor = Authenticator.objects.get(type=Authenticator.Type.TOTP)
    secret = factor.data["secret"]

    page = client.get(f"/admin/mfa/authenticator/{factor.pk}/change/")
    codes = Authenticator.objects.get(type=Authenticator.Type.RECOVERY_CODES)
    codes_page = client.get(f"/admin/mfa/authenticator/{codes.pk}/change/")

    assert page.status_code == codes_page.status_code == HTTPStatus.OK
    assert secret not in page.text
    assert codes.data["seed"] not in codes_page.text
    assert "totp" in page.text.lower()


def test_the_qr_code_is_drawn_inline_so_the_site_policy_stays_img_src_self(root: User) -> None:
    client = Client()
    sign_in(client, ROOT)
    client.post("/accounts/reauthenticate/", {"password": "a-long-passphrase-9"})

    page = client.get("/accounts/2fa/totp/activate/")

    assert '<figure class="qr-code"' in page.text
    assert "<svg" in page.text
    assert "data:image" not in page.text
    assert "img-src 'self'" in page["Content-Security-Policy"]
