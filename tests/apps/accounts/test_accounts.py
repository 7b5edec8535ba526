"""Sign-up, verification, sign-in and the account pages, through django-allauth."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from pytest_django import Settings

from apps.accounts.models import User
from tests.support.accounts import PASSWORD, SIGN_IN, sent, sign_in, verified_user
from tests.support.smtp import stalling_smtp_server

pytestmark = pytest.mark.django_db

SIGN_UP = "/accounts/signup/"
CONFIRM_LINK = re.compile(r"http://testserver(/accounts/confirm-email/[^/\s]+/)")


def sign_up(client: Client, email: str, password: str = PASSWORD) -> str:
    response = client.post(SIGN_UP, {"email": email, "password1": password})
    assert response.status_code == HTTPStatus.FOUND, response.text
    return str(response["Location"])


def confirm_link(message_index: int = -1) -> str:
    link = CONFIRM_LINK.search(str(sent()[message_index].body))
    assert link is not None, sent()[message_index].body
    return link.group(1)


def test_a_new_user_signs_up_verifies_the_address_and_signs_in() -> None:
    client = Client()

    assert sign_up(client, "grace@example.com") == "/accounts/confirm-email/"
    assert sign_in(Client(), "grace@example.com") == HTTPStatus.FOUND
    assert not EmailAddress.objects.get(email="grace@example.com").verified

    confirmed = client.post(confirm_link())

    assert confirmed.status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.get(email="grace@example.com").verified
    signed_in = Client()
    assert sign_in(signed_in, "grace@example.com") == HTTPStatus.FOUND
    assert signed_in.get("/accounts/email/").status_code == HTTPStatus.OK


def test_an_unverified_address_cannot_sign_in() -> None:
    sign_up(Client(), "grace@example.com")
    client = Client()

    response = client.post(SIGN_IN, {"login": "grace@example.com", "password": PASSWORD})

    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/accounts/email/").status_code == HTTPStatus.FOUND


def test_verification_is_mandatory_whatever_debug_says() -> None:
    from tests.support.settings import load_settings_module

    for debug in ("true", "false"):
        assert load_settings_module(DEBUG=debug)["ACCOUNT_EMAIL_VERIFICATION"] == "mandatory"


def test_signing_up_with_a_registered_address_answers_as_for_a_new_one() -> None:
    verified_user("ada@example.com")

    known = sign_up(Client(), "ada@example.com")
    new = sign_up(Client(), "grace@example.com")

    assert known == new
    assert User.objects.filter(email__iexact="ada@example.com").count() == 1
    # The owner is told by mail; the visitor learns nothing from the page.
    assert [message.to for message in sent()] == [["ada@example.com"], ["grace@example.com"]]
    assert "confirm-email" not in sent()[0].body


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer() -> None:
    verified_user("ada@example.com")

    wrong = Client().post(SIGN_IN, {"login": "ada@example.com", "password": "not-it-at-all"})
    unknown = Client().post(SIGN_IN, {"login": "eve@example.com", "password": "not-it-at-all"})

    assert wrong.status_code == unknown.status_code == HTTPStatus.OK
    errors = re.compile(r'<ul class="errorlist[^"]*">.*?</ul>', re.S)
    assert errors.findall(wrong.text) == errors.findall(unknown.text)
    assert errors.findall(wrong.text)


def test_sign_up_is_limited_per_client() -> None:
    client = Client()

    statuses = [
        client.post(SIGN_UP, {"email": f"u{n}@example.com", "password1": PASSWORD}).status_code
        for n in range(11)
    ]

    assert statuses == [HTTPStatus.FOUND] * 10 + [HTTPStatus.TOO_MANY_REQUESTS]


def test_account_mail_is_sent_by_a_task(settings: Settings) -> None:
    """With the database backend the request only enqueues: no mail until the worker runs."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    sign_up(Client(), "grace@example.com")

    assert sent() == []
    [result] = default_task_backend.results  # type: ignore[attr-defined]
    assert result.task.name == "account_mail_send"
    assert result.kwargs["to"] == ["grace@example.com"]
    assert "confirm-email" in result.kwargs["body"]


def test_signing_out_ends_the_session() -> None:
    verified_user("ada@example.com")
    client = Client()
    sign_in(client, "ada@example.com")

    assert client.post("/accounts/logout/").status_code == HTTPStatus.FOUND
    assert client.get("/accounts/email/").status_code == HTTPStatus.FOUND


def test_a_user_changes_the_password_and_the_old_one_stops_working() -> None:
    verified_user("ada@example.com")
    client = Client()
    sign_in(client, "ada@example.com")

    changed = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "another-long-phrase-42",
            "password2": "another-long-phrase-42",
        },
    )

    assert changed.status_code == HTTPStatus.FOUND, changed.text
    assert sign_in(Client(), "ada@example.com", "another-long-phrase-42") == HTTPStatus.FOUND
    assert sign_in(Client(), "ada@example.com") == HTTPStatus.OK


def test_a_user_adds_a_second_address_and_verifies_it() -> None:
    verified_user("ada@example.com")
    client = Client()
    sign_in(client, "ada@example.com")

    asked = client.post("/accounts/email/", {"action_add": "", "email": "ada@work.example"})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    added = client.post("/accounts/email/", {"action_add": "", "email": "ada@work.example"})
    client.post(confirm_link())

    # Changing who may reset the password asks for the password again first.
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    assert added.status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.get(email="ada@work.example").verified


def test_a_user_sees_the_sessions_and_signs_the_others_out() -> None:
    verified_user("ada@example.com")
    laptop, phone = Client(), Client(headers={"User-Agent": "phone"})
    sign_in(laptop, "ada@example.com")
    sign_in(phone, "ada@example.com")

    page = laptop.get("/accounts/sessions/")
    signed_out = laptop.post("/accounts/sessions/")

    assert page.status_code == HTTPStatus.OK
    assert signed_out.status_code == HTTPStatus.FOUND
    assert phone.get("/accounts/email/").status_code == HTTPStatus.FOUND
    assert laptop.get("/accounts/email/").status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "path",
    [SIGN_IN, SIGN_UP, "/accounts/password/reset/", "/accounts/confirm-email/"],
)
def test_account_pages_use_the_site_layout_with_no_inline_script_or_style(
    client: Client, path: str
) -> None:
    response = client.get(path)

    assert response.status_code == HTTPStatus.OK
    assert re.search(
        r'<link rel="stylesheet" href="/static/core/site\.[0-9a-f]+\.css">', response.text
    )
    assert "style=" not in response.text
    assert "<style" not in response.text
    for tag in re.findall(r"<script[^>]*>", response.text):
        assert 'type="application/json"' in tag or "nonce=" in tag, tag


def permissions(response: object) -> dict[str, str]:
    header = str(response["Permissions-Policy"])  # type: ignore[index]
    pairs = (item.strip().partition("=") for item in header.split(","))
    return {name: allowlist for name, _, allowlist in pairs}


def test_the_pages_that_ask_for_a_passkey_let_this_site_alone_use_webauthn(
    client: Client,
) -> None:
    sign_in_page = permissions(client.get(SIGN_IN))
    sign_up_page = permissions(client.get(SIGN_UP))

    assert sign_in_page["publickey-credentials-get"] == "(self)"
    assert sign_in_page["publickey-credentials-create"] == "(self)"
    assert sign_in_page["camera"] == "()"
    assert sign_up_page["publickey-credentials-get"] == "()"


def test_a_stalled_mail_server_holds_no_sign_up(settings: Settings) -> None:
    with stalling_smtp_server(settings) as server:
        answered = Client().post(SIGN_UP, {"email": "ada@example.com", "password1": PASSWORD})
        assert server.arrived.wait(timeout=30)
        # The server still holds the verification mail: the answer was not waiting for it.
        held = not server.delivered
        server.release.set()
        sent()

    assert answered.status_code == HTTPStatus.FOUND
    assert held
    assert len(server.delivered) == 1
