"""apps/core/reporting.py: error reports no visitor can trigger at will, off the request path."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from pytest_django import Settings

from apps.core.reporting import OUTBOX, OneLineWarning, RateLimit
from tests.support.smtp import StallingMailbox, stalling_smtp_server

FLOOD = 20
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Cross-Origin-Resource-Policy",
    "Referrer-Policy",
)


@pytest.fixture
def security_log() -> Iterator[io.StringIO]:
    """What the handler LOGGING gives django.security writes."""
    [handler] = [
        h
        for h in logging.getLogger("django.security").handlers
        if isinstance(h, logging.StreamHandler)
        and any(isinstance(f, OneLineWarning) for f in h.filters)
    ]
    written = io.StringIO()
    previous = handler.setStream(written)
    yield written
    handler.setStream(previous)


@pytest.fixture
def admins(settings: Settings) -> None:
    settings.ADMINS = [("Ada", "ada@example.com")]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def hostile_requests(client: Client) -> list[int]:
    """One of each request anyone can send that Django refuses as suspicious."""
    login = reverse("account_login")
    many = {f"field{i}": "x" for i in range(150)}
    return [
        client.get("/", headers={"host": "attacker.example"}).status_code,
        client.post(login, many).status_code,
        client.post(login, {"note": "x" * 300_000}).status_code,
        client.get(login, many).status_code,
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("admins")
def test_a_flood_of_suspicious_requests_sends_no_mail_and_logs_one_warning_line_each(
    security_log: io.StringIO,
) -> None:
    client = Client()

    statuses = [status for _ in range(FLOOD // 4) for status in hostile_requests(client)]
    OUTBOX.join()

    assert statuses == [HTTPStatus.BAD_REQUEST] * FLOOD
    assert mail.outbox == []
    lines = security_log.getvalue().splitlines()
    assert len(lines) == FLOOD
    assert all(line.startswith("level=WARNING logger=django.security.") for line in lines)
    assert not [line for line in lines if "Traceback" in line]


@pytest.mark.django_db
def test_too_many_query_parameters_get_the_400_page_with_the_security_headers() -> None:
    query = {f"p{i}": "1" for i in range(500)}

    response = Client().get(reverse("account_login"), query)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"Bad request" in response.content or b"bad request" in response.content.lower()
    for header in SECURITY_HEADERS:
        assert header in response.headers


@pytest.mark.django_db
@pytest.mark.urls("tests.apps.core.urls")
@pytest.mark.usefixtures("admins")
def test_a_server_error_repeated_is_mailed_only_up_to_the_limit_for_its_kind(
    settings: Settings,
) -> None:
    client = Client(raise_request_exception=False)

    statuses = [client.get("/broken/").status_code for _ in range(FLOOD)]
    OUTBOX.join()

    assert statuses == [HTTPStatus.INTERNAL_SERVER_ERROR] * FLOOD
    # Each handler counts for itself; the one configured by LOGGING sent these.
    assert len(mail.outbox) == settings.ERROR_MAILS_PER_KIND
    assert mail.outbox[0].subject.endswith("Internal Server Error: /broken/")


def test_the_rate_limit_counts_each_kind_apart() -> None:
    limit = RateLimit(limit=2, window=3600)

    allowed = [limit.allow(kind) for kind in ("a", "a", "a", "b", "b", "b")]

    assert allowed == [True, True, False, True, True, False]


def test_the_one_line_filter_leaves_the_original_record_to_other_handlers() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("django.security.X", logging.ERROR, "f", 1, "m", None, None)
        record.exc_info = sys.exc_info()

    copy = OneLineWarning().filter(record)

    assert (copy.levelname, copy.exc_info) == ("WARNING", None)
    assert (record.levelname, record.exc_info is not None) == ("ERROR", True)


@pytest.fixture
def stalling_smtp(settings: Settings) -> Iterator[StallingMailbox]:
    settings.ADMINS = [("Ada", "ada@example.com")]
    with stalling_smtp_server(settings) as mailbox:
        yield mailbox


@pytest.mark.django_db
@pytest.mark.urls("tests.apps.core.urls")
def test_a_stalled_mail_server_holds_neither_the_failing_request_nor_healthz(
    stalling_smtp: StallingMailbox,
) -> None:
    client = Client(raise_request_exception=False)

    failed = client.get("/broken/")
    assert stalling_smtp.arrived.wait(timeout=30)
    # The server still holds the mail: an answer now was not waiting for it.
    health = client.get("/healthz")
    again = client.get("/broken/")
    still_held = not stalling_smtp.delivered
    stalling_smtp.release.set()
    OUTBOX.join()

    assert (failed.status_code, again.status_code) == (HTTPStatus.INTERNAL_SERVER_ERROR,) * 2
    assert health.status_code == HTTPStatus.OK
    assert still_held
    assert len(stalling_smtp.delivered) == 2


def test_draining_at_exit_waits_for_waiting_mail_but_not_for_ever(
    stalling_smtp: StallingMailbox,
) -> None:
    client = Client(raise_request_exception=False)
    with override_settings(ROOT_URLCONF="tests.apps.core.urls"):
        client.get("/broken/")
    assert stalling_smtp.arrived.wait(timeout=30)

    OUTBOX.drain(timeout=0.2)  # the server still holds the mail: drain gives up
    held = not stalling_smtp.delivered
    stalling_smtp.release.set()
    OUTBOX.drain(timeout=30)

    assert held
    assert len(stalling_smtp.delivered) == 1
