"""apps/accounts/urls.py: the admin's password reset, end to end over a real SMTP server."""

from __future__ import annotations

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, RequestFactory
from pytest_django import Settings

from tests.support.smtp import HOST, make_certificate, smtp_server, use_email_url

pytestmark = pytest.mark.django_db

OLD_PASSWORD = "the-old-long-passphrase-1"
NEW_PASSWORD = "a-brand-new-passphrase-27"
RESET_LINK = re.compile(r"http://testserver(/admin/reset/[^/\s]+/[^/\s]+/)")


def test_the_admin_login_page_offers_a_password_reset(client: Client) -> None:
    response = client.get("/admin/login/")

    assert response.status_code == HTTPStatus.OK
    assert 'href="/admin/password_reset/"' in response.content.decode()


def test_a_forgotten_admin_password_is_reset_by_mail_over_starttls(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    get_user_model().objects.create_superuser("ada", "ada@example.com", OLD_PASSWORD)
    certificate = make_certificate(tmp_path)
    client = Client()

    with smtp_server(starttls=certificate, accounts={"bastion": "mail-pw"}) as (port, mailbox):
        use_email_url(
            settings, monkeypatch, certificate, f"submission://bastion:mail-pw@{HOST}:{port}"
        )
        asked = client.post("/admin/password_reset/", {"email": "ada@example.com"})

    assert asked.status_code == HTTPStatus.FOUND
    assert asked["Location"] == "/admin/password_reset/done/"
    [message] = mailbox.messages
    assert mailbox.encrypted == [True]
    assert message["To"] == "ada@example.com"
    assert message["From"] == "Bastion <app@example.com>"
    link = RESET_LINK.search(message.get_content())
    assert link is not None, message.get_content()

    form = client.get(link.group(1), follow=True)
    assert form.status_code == HTTPStatus.OK
    assert "new_password1" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert done.status_code == HTTPStatus.FOUND
    assert done["Location"] == "/admin/reset/done/"
    # django-axes, which counts failed logins, wants the request each login comes with.
    login = RequestFactory().post("/")
    assert Client().login(request=login, username="ada", password=NEW_PASSWORD)
    assert not Client().login(request=login, username="ada", password=OLD_PASSWORD)
    # The link works once.
    assert "new_password1" not in client.get(link.group(1), follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client: Client) -> None:
    response = client.post("/admin/password_reset/", {"email": "nobody@example.com"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/admin/password_reset/done/"
    assert mail.outbox == []
