"""Password reset by mail, end to end over a real SMTP server, and what it reveals."""

from __future__ import annotations

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.test import Client
from pytest_django import Settings

from tests.support.accounts import sent, sign_in, verified_user
from tests.support.smtp import HOST, make_certificate, smtp_server, use_email_url

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-27"
RESET = "/accounts/password/reset/"
RESET_LINK = re.compile(r"http://testserver(/accounts/password/reset/key/[^/\s]+/)")


def test_the_sign_in_page_offers_a_password_reset(client: Client) -> None:
    response = client.get("/accounts/login/")

    assert response.status_code == HTTPStatus.OK
    assert f'href="{RESET}"' in response.text


def test_a_forgotten_password_is_reset_by_mail_over_starttls(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    verified_user("ada@example.com")
    certificate = make_certificate(tmp_path)
    client = Client()

    with smtp_server(starttls=certificate, accounts={"bastion": "mail-pw"}) as (port, mailbox):
        use_email_url(
            settings, monkeypatch, certificate, f"submission://bastion:mail-pw@{HOST}:{port}"
        )
        asked = client.post(RESET, {"email": "ada@example.com"})
        sent()  # the mail thread hands it to the server

    assert asked.status_code == HTTPStatus.FOUND
    assert asked["Location"] == "/accounts/password/reset/done/"
    [message] = mailbox.messages
    assert mailbox.encrypted == [True]
    assert message["To"] == "ada@example.com"
    assert message["From"] == "Bastion <app@example.com>"
    body = message.get_body(("plain",))
    assert body is not None
    link = RESET_LINK.search(body.get_content())
    assert link is not None, message.as_string()

    form = client.get(link.group(1), follow=True)
    assert form.status_code == HTTPStatus.OK
    assert "password1" in form.text
    done = client.post(
        form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert done.status_code == HTTPStatus.FOUND
    assert done["Location"] == "/accounts/password/reset/key/done/"
    assert sign_in(Client(), "ada@example.com", NEW_PASSWORD) == HTTPStatus.FOUND
    assert sign_in(Client(), "ada@example.com") == HTTPStatus.OK
    # The link works once.
    assert "password1" not in client.get(link.group(1), follow=True).text


def test_an_unknown_address_gets_the_same_answer_and_a_mail_that_says_so(
    client: Client,
) -> None:
    verified_user("ada@example.com")

    known = client.post(RESET, {"email": "ada@example.com"})
    unknown = Client().post(RESET, {"email": "nobody@example.com"})

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [message.to for message in sent()] == [["ada@example.com"], ["nobody@example.com"]]
    assert "password/reset/key" in sent()[0].body
    assert "password/reset/key" not in sent()[1].body


def test_reset_is_limited_per_address_and_per_client(client: Client) -> None:
    verified_user("ada@example.com")

    per_address = [
        Client(REMOTE_ADDR=f"192.0.2.{n}").post(RESET, {"email": "ada@example.com"}).status_code
        for n in range(1, 5)
    ]
    per_client = [client.post(RESET, {"email": f"x{n}@example.com"}).status_code for n in range(11)]

    assert per_address == [HTTPStatus.FOUND] * 3 + [HTTPStatus.TOO_MANY_REQUESTS]
    assert per_client[-1] == HTTPStatus.TOO_MANY_REQUESTS
    assert len(sent()) < 3 + 11
