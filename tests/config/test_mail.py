"""Mail from EMAIL_URL, DEFAULT_FROM_EMAIL, SERVER_EMAIL and ADMINS, sent to a real SMTP server."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from pytest_django import Settings

from apps.core.reporting import OUTBOX
from config.service_urls import email_config
from tests.support.settings import load_settings_module, startup_refusal, strong_key
from tests.support.smtp import HOST, Certificate, make_certificate, smtp_server, use_email_url

PASSWORD = "hunter2-mail-account-secret"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.mark.parametrize(
    ("url", "host", "port", "starttls", "tls"),
    [
        ("submission://ada:pw@smtp.example.com", "smtp.example.com", 587, True, False),
        ("smtp+tls://ada:pw@smtp.example.com:2587", "smtp.example.com", 2587, True, False),
        ("smtps://ada:pw@smtp.example.com", "smtp.example.com", 465, False, True),
        ("smtp://ada:pw@smtp.example.com:465?ssl=true", "smtp.example.com", 465, False, True),
        ("smtp://127.0.0.1:1025", "127.0.0.1", 1025, False, False),
    ],
)
def test_smtp_urls_name_the_server_and_its_encryption(
    url: str, host: str, port: int, starttls: bool, tls: bool
) -> None:
    config = email_config(url)

    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"]) == (host, port)
    assert (config["EMAIL_USE_TLS"], config["EMAIL_USE_SSL"]) == (starttls, tls)


def test_the_password_is_url_decoded_and_a_timeout_is_always_set() -> None:
    config = email_config("submission://apikey:p%40ss%2Fword@smtp.example.com")

    assert config["EMAIL_HOST_USER"] == "apikey"
    assert config["EMAIL_HOST_PASSWORD"] == "p@ss/word"
    assert config["EMAIL_TIMEOUT"] == 10
    assert email_config("submission://smtp.example.com?timeout=3")["EMAIL_TIMEOUT"] == 3


def test_without_email_url_debug_prints_mail_and_production_sends_none() -> None:
    development = load_settings_module(DEBUG="true")
    production = load_settings_module(SECRET_KEY=strong_key())

    assert development["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert production["EMAIL_BACKEND"] == "apps.core.mail.NotSentEmailBackend"


def test_console_url_and_addresses_come_from_the_environment() -> None:
    values = load_settings_module(
        EMAIL_URL="console://",
        DEFAULT_FROM_EMAIL="Bastion <app@example.com>",
        SERVER_EMAIL="errors@example.com",
        ADMINS='["Ada Lovelace <ada@example.com>", "bob@example.com"]',
    )

    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert values["DEFAULT_FROM_EMAIL"] == "Bastion <app@example.com>"
    assert values["SERVER_EMAIL"] == "errors@example.com"
    assert values["ADMINS"] == [("Ada Lovelace", "ada@example.com"), ("", "bob@example.com")]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("EMAIL_URL", f"mysql://ada:{PASSWORD}@smtp.example.com", "submission://"),
        ("EMAIL_URL", f"smtp://ada:{PASSWORD}@smtp.example.com:port", "submission://"),
        ("EMAIL_URL", f"submission://ada:{PASSWORD}@smtp.example.com?timeout=x", "console://"),
        ("DEFAULT_FROM_EMAIL", "not an address", "app@example.com"),
        ("SERVER_EMAIL", "errors@", "errors@example.com"),
        ("ADMINS", "ada@example.com, nobody", "Ada <ada@example.com>"),
    ],
)
def test_a_bad_mail_value_stops_startup_with_one_line_and_no_password(
    capsys: pytest.CaptureFixture[str], name: str, value: str, expected: str
) -> None:
    line = startup_refusal(capsys, name, value)

    assert expected in line
    assert PASSWORD not in line


@pytest.fixture
def mail_settings(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, certificate: Certificate
) -> Callable[[str], None]:
    return lambda url: use_email_url(settings, monkeypatch, certificate, url)


def test_sendtestemail_logs_in_and_delivers_over_starttls(
    mail_settings: Callable[[str], None], certificate: Certificate
) -> None:
    with smtp_server(starttls=certificate, accounts={"ada": PASSWORD}) as (port, mailbox):
        mail_settings(f"submission://ada:{PASSWORD}@{HOST}:{port}")
        call_command("sendtestemail", "grace@example.com")

    assert mailbox.logins == [("ada", PASSWORD)]
    assert mailbox.encrypted == [True]
    [message] = mailbox.messages
    assert message["To"] == "grace@example.com"
    assert message["From"] == "Bastion <app@example.com>"
    assert "Test email from" in message["Subject"]


# aiosmtpd warns that AUTH is allowed without STARTTLS; on this server every byte is TLS.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_sendtestemail_delivers_over_tls_from_the_first_byte(
    mail_settings: Callable[[str], None], certificate: Certificate
) -> None:
    with smtp_server(implicit_tls=certificate, accounts={"ada": PASSWORD}) as (port, mailbox):
        mail_settings(f"smtps://ada:{PASSWORD}@{HOST}:{port}")
        call_command("sendtestemail", "grace@example.com")

    assert mailbox.logins == [("ada", PASSWORD)]
    assert mailbox.encrypted == [True]
    assert len(mailbox.messages) == 1


def test_sendtestemail_to_admins_reaches_every_address_in_admins(
    mail_settings: Callable[[str], None], certificate: Certificate
) -> None:
    with smtp_server(starttls=certificate) as (port, mailbox):
        mail_settings(f"submission://{HOST}:{port}")
        call_command("sendtestemail", "--admins")

    [message] = mailbox.messages
    assert message["To"] == "ada@example.com, bob@example.com"


def test_a_server_with_a_certificate_nobody_trusts_gets_no_password(
    mail_settings: Callable[[str], None], tmp_path: Path
) -> None:
    stranger = make_certificate(tmp_path)
    with smtp_server(starttls=stranger, accounts={"ada": PASSWORD}) as (port, mailbox):
        mail_settings(f"submission://ada:{PASSWORD}@{HOST}:{port}")
        with pytest.raises(ssl.SSLCertVerificationError):
            call_command("sendtestemail", "grace@example.com")

    assert mailbox.logins == []
    assert mailbox.messages == []


def test_without_email_url_production_logs_each_message_it_did_not_send(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.EMAIL_BACKEND = load_settings_module(SECRET_KEY=strong_key())["EMAIL_BACKEND"]

    with caplog.at_level(logging.WARNING, logger="apps.core.mail"):
        call_command("sendtestemail", "grace@example.com")

    assert "Mail not sent (EMAIL_URL is not set)" in caplog.text


@pytest.mark.django_db
@pytest.mark.urls("tests.apps.core.urls")
def test_a_server_error_is_mailed_to_admins_with_cookies_and_passwords_masked(
    settings: Settings,
) -> None:
    settings.ADMINS = load_settings_module(ADMINS="Ada <ada@example.com>")["ADMINS"]
    settings.SERVER_EMAIL = "errors@example.com"
    settings.EMAIL_HOST_PASSWORD = PASSWORD

    response = Client(raise_request_exception=False).get(
        "/broken/", headers={"Cookie": "sessionid=session-secret-value"}
    )
    OUTBOX.join()  # the mail is sent from a thread of its own

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    [report] = mail.outbox
    assert report.to == ["ada@example.com"]
    assert report.from_email == "errors@example.com"
    assert report.subject.endswith("Internal Server Error: /broken/")
    assert "RuntimeError at /broken/" in str(report.body)
    assert "session-secret-value" not in str(report.body)
    assert PASSWORD not in str(report.body)


def test_mail_to_the_admins_names_the_site_not_the_framework(settings: Settings) -> None:
    settings.ADMINS = [("Admin", "admin@example.com")]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    mail.mail_admins("Disk almost full", "90% used")

    assert [message.subject for message in mail.outbox] == ["[Bastion] Disk almost full"]
