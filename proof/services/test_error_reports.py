"""Error reports under a flood of hostile requests, and with a mail server that stalls.

gunicorn with the production settings, ADMINS and EMAIL_URL pointing at a real SMTP
server (aiosmtpd), SENTRY_DSN at the ingest receiver: what reaches the operator is
counted, and the time each request takes while the mail server holds every message.
"""

from __future__ import annotations

import asyncio
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http import HTTPStatus

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from proof.harness import ORIGIN, Database, fetch
from proof.harness.fixtures import Serve
from proof.services.sentry_receiver import Ingest, sentry_ingest
from tests.support.smtp import HOST, free_port

# Each kind of hostile request this many times.
ROUNDS = 10
GENUINE_ERRORS = 5
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class SmtpServer:
    """aiosmtpd that accepts mail, or with `stall` holds each message at DATA until stopped."""

    def __init__(self, *, stall: bool) -> None:
        self.stall = stall
        self.released = threading.Event()
        self.held = 0
        self.subjects: list[str] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.held += 1
        while self.stall and not self.released.is_set():
            await asyncio.sleep(0.05)
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        subject = [line for line in content.decode().splitlines() if line.startswith("Subject:")]
        self.subjects.append(subject[0] if subject else "")
        return "250 Message accepted for delivery"


@pytest.fixture
def ingest() -> Iterator[tuple[str, Ingest]]:
    with sentry_ingest() as (dsn, received):
        yield dsn, received


def mail_server(stall: bool) -> Iterator[tuple[int, SmtpServer]]:
    handler = SmtpServer(stall=stall)
    controller = Controller(handler, hostname=HOST, port=free_port())
    controller.start()
    try:
        yield controller.port, handler
    finally:
        handler.released.set()
        controller.stop()


@pytest.fixture
def smtp() -> Iterator[tuple[int, SmtpServer]]:
    yield from mail_server(stall=False)


@pytest.fixture
def stalled_smtp() -> Iterator[tuple[int, SmtpServer]]:
    yield from mail_server(stall=True)


def hostile(port: int) -> list[int]:
    """One of each request anyone can send that Django refuses as suspicious."""
    many = urllib.parse.urlencode({f"f{i}": "x" for i in range(150)})
    # This site's origin and a CSRF cookie, so the CSRF check goes on to read the form.
    form = {**FORM, "Origin": ORIGIN, "Cookie": f"__Host-csrftoken={'a' * 32}"}
    return [
        fetch(port, "/", headers={"Host": "attacker.example"}).status,
        fetch(port, "/accounts/login/", method="POST", headers=form, body=many.encode()).status,
        fetch(
            port, "/accounts/login/", method="POST", headers=form, body=b"a=" + b"x" * 300_000
        ).status,
        fetch(port, f"/accounts/login/?{many}").status,
    ]


def timed(port: int, path: str) -> tuple[int, float]:
    started = time.monotonic()
    status = fetch(port, path, timeout=30).status
    return status, time.monotonic() - started


def test_a_flood_of_hostile_requests_sends_no_mail_and_no_event_while_errors_still_arrive(
    serve: Serve, database: Database, smtp: tuple[int, SmtpServer], ingest: tuple[str, Ingest]
) -> None:
    smtp_port, mailbox = smtp
    dsn, received = ingest
    server = serve(
        database.url,
        DJANGO_SETTINGS_MODULE="proof.services.settings",
        ADMINS="ops@example.com",
        EMAIL_URL=f"smtp://{HOST}:{smtp_port}",
        SERVER_EMAIL="errors@example.com",
        SENTRY_DSN=dsn,
    )

    statuses = [status for _ in range(ROUNDS) for status in hostile(server.port)]
    many = urllib.parse.urlencode({f"p{i}": "1" for i in range(500)})
    query_floods = [timed(server.port, f"/accounts/login/?{many}") for _ in range(5)]
    errors = [fetch(server.port, "/proof/broken/").status for _ in range(GENUINE_ERRORS)]
    events = received.wait_for_events(GENUINE_ERRORS)
    deadline = time.monotonic() + 10
    while not mailbox.subjects and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # any late mail would arrive now

    print(
        f"{len(statuses)} hostile requests, {GENUINE_ERRORS} genuine errors: "
        f"{len(mailbox.subjects)} mails, {len(events)} Sentry events"
    )
    print(f"500 query parameters: 400 in at most {max(t for _, t in query_floods):.3f} s")
    assert statuses == [HTTPStatus.BAD_REQUEST] * 4 * ROUNDS
    assert [status for status, _ in query_floods] == [HTTPStatus.BAD_REQUEST] * 5
    assert errors == [HTTPStatus.INTERNAL_SERVER_ERROR] * GENUINE_ERRORS
    # Mail: only the genuine error, at most ERROR_MAILS_PER_KIND (3) per worker (2).
    assert 1 <= len(mailbox.subjects) <= 3 * 2
    assert all("Internal Server Error: /proof/broken/" in s for s in mailbox.subjects)
    # Sentry: each genuine error, and nothing of the hostile requests.
    assert len(events) == GENUINE_ERRORS
    assert not [e for e in events if str(e.get("logger", "")).startswith("django.security")]
    log = server.log_path.read_text()
    assert log.count("logger=django.security.") == 4 * ROUNDS + 5
    assert "Traceback" not in "".join(x for x in log.splitlines() if "django.security" in x)


def test_a_stalled_mail_server_slows_neither_a_page_nor_healthz(
    serve: Serve, database: Database, stalled_smtp: tuple[int, SmtpServer]
) -> None:
    smtp_port, mailbox = stalled_smtp
    server = serve(
        database.url,
        DJANGO_SETTINGS_MODULE="proof.services.settings",
        ADMINS="ops@example.com",
        EMAIL_URL=f"smtp://{HOST}:{smtp_port}?timeout=30",
    )

    hostile(server.port)
    first_error = timed(server.port, "/proof/broken/")
    deadline = time.monotonic() + 10
    while not mailbox.held and time.monotonic() < deadline:
        time.sleep(0.05)
    # The mail server now holds a message; these run while it does.
    samples = [
        (path, *timed(server.port, path))
        for _ in range(5)
        for path in ("/healthz", "/", "/proof/broken/")
    ]
    still_held = not mailbox.subjects

    print(f"first error answered in {first_error[1]:.3f} s; while the mail server stalls:")
    for path in ("/healthz", "/", "/proof/broken/"):
        times = [t for p, _, t in samples if p == path]
        print(f"  {path}: max {max(times):.3f} s over {len(times)} requests")
    assert mailbox.held >= 1
    assert still_held
    assert first_error[0] == HTTPStatus.INTERNAL_SERVER_ERROR
    assert [s for p, s, _ in samples if p == "/healthz"] == [HTTPStatus.OK] * 5
    assert [s for p, s, _ in samples if p == "/"] == [HTTPStatus.OK] * 5
    # Each answer took far less than one mail's 30 s timeout: none waited for the server.
    assert max(t for _, _, t in samples) < 5
