"""Abuse controls on the production stack: gunicorn with gunicorn.conf.py, PostgreSQL, USE_SSL.

What only shows on the real server: who gunicorn believes about HTTPS, what its access
log writes, how many PostgreSQL connections /readyz holds, and a login lockout that
holds across two app servers (two dynos) sharing one database.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import socket
import sys
import time
from http import HTTPStatus

import pytest

from proof import harness
from proof.harness import Database, Server, fetch, wait_until
from proof.harness.clients import Browser, csrf_token
from proof.harness.databases import PROOF_CLIENT
from proof.harness.fixtures import Serve

pytestmark = pytest.mark.deploy

# Any address in 127.0.0.0/8 reaches the server; gunicorn's default trust list
# (FORWARDED_ALLOW_IPS=127.0.0.1,::1) names only 127.0.0.1.
UNTRUSTED_PEER = "127.0.0.2"


def request_from(source: str, port: int, request: bytes) -> bytes:
    """Send raw bytes from `source` and read the whole reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0)) as s:
        s.sendall(request)
        chunks = []
        with contextlib.suppress(ConnectionResetError):
            while chunk := s.recv(65536):
                chunks.append(chunk)
    return b"".join(chunks)


def claims_https(path: bytes = b"/accounts/login/") -> bytes:
    return (
        b"GET " + path + b" HTTP/1.1\r\nHost: localhost\r\n"
        b"X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n"
    )


@pytest.fixture(scope="module")
def server(module_stack: tuple[Database, Server]) -> Server:
    return module_stack[1]


def test_an_untrusted_peer_claiming_https_gets_the_redirect(server: Server) -> None:
    reply = request_from(UNTRUSTED_PEER, server.port, claims_https())

    head = reply.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    assert head.startswith("HTTP/1.1 301 ")
    assert "\r\nLocation: https://localhost/accounts/login/" in head
    assert "Strict-Transport-Security" not in head
    assert "Set-Cookie" not in head


def test_a_trusted_proxy_claiming_https_gets_the_page(server: Server) -> None:
    reply = request_from("127.0.0.1", server.port, claims_https())

    head = reply.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    assert head.startswith("HTTP/1.1 200 ")
    assert "\r\nStrict-Transport-Security: max-age=3600" in head
    assert re.search(r"\r\nSet-Cookie: __Host-csrftoken=[^\r]*; Secure", head)


def test_control_characters_in_a_request_stay_on_its_one_log_line(server: Server) -> None:
    marker = secrets.token_hex(6)
    target = (
        f'/{marker}%0Amethod=GET%20path=%22/admin/%22%20status=200%1B[2J?q=%0A%1B]0;x%07"'
    ).encode()
    request = (
        b"GET " + target + b" HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Proto: https\r\n"
        b'User-Agent: agent"quoted\r\nConnection: close\r\n\r\n'
    )
    reply = request_from("127.0.0.1", server.port, request)
    assert reply.startswith(b"HTTP/1.1 404 ")

    def access_lines() -> list[str]:
        log = server.log_path.read_text(errors="replace")
        return [line for line in log.splitlines() if line.startswith("method=")]

    wait_until(lambda: any(marker in line for line in access_lines()), 5, "the access log line")
    [line] = [line for line in access_lines() if marker in line]
    assert not [line for line in access_lines() if line.startswith('method=GET path="/admin/"')]
    assert line.startswith(f'method=GET path="/{marker}\\x0amethod=GET path=\\x22/admin/\\x22')
    assert "\\x1b[2J" in line
    assert 'user_agent="agent\\x22quoted"' in line
    assert "\x1b" not in server.log_path.read_text(errors="replace")


def backends(database: Database) -> set[int]:
    """The app's connections to its database, as PostgreSQL lists them."""
    rows = database.query(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND application_name <> %s",
        (database.name, PROOF_CLIENT),
    )
    return {row[0] for row in rows}


def test_readyz_probes_reuse_one_connection_per_worker(database: Database, serve: Serve) -> None:
    server = serve(database.url, WEB_CONCURRENCY="1")

    assert fetch(server.port, "/readyz").status == HTTPStatus.OK
    # A session that closed before the probe (gunicorn's boot, the database's set-up) can
    # stay listed for a moment while its backend exits; the probe's own one stays.
    wait_until(lambda: len(backends(database)) == 1, 5, "one connection left after a probe")
    [probe] = backends(database)
    for _ in range(19):
        assert fetch(server.port, "/readyz").status == HTTPStatus.OK
        assert backends(database) == {probe}


def create_superuser(database: Database, password: str) -> None:
    env = harness.production_env(
        database.url,
        DJANGO_SUPERUSER_USERNAME="admin",
        DJANGO_SUPERUSER_PASSWORD=password,
        DJANGO_SUPERUSER_EMAIL="admin@example.com",
    )
    command = [sys.executable, "manage.py", "createsuperuser", "--noinput"]
    harness.run_checked(command, env, timeout=60)


def sign_in(port: int, password: str, client: str) -> int:
    """One browser's attempt, through the router (which names the client in X-Forwarded-For)."""
    browser = Browser()
    routed = {"X-Forwarded-For": client}
    token = csrf_token(browser.request(port, "GET", "/accounts/login/", headers=routed))
    response = browser.request(
        port,
        "POST",
        "/accounts/login/?next=/admin/",
        form={"login": "admin@example.com", "password": password, "csrfmiddlewaretoken": token},
        headers=routed,
    )
    return response.status


def test_a_lockout_holds_on_every_dyno_and_lifts_with_axes_reset(
    database: Database, serve: Serve
) -> None:
    secret_key = secrets.token_urlsafe(50)
    dynos = [serve(database.url, SECRET_KEY=secret_key).port for _ in range(2)]
    password = secrets.token_urlsafe(16)
    create_superuser(database, password)

    wrong = [sign_in(dynos[n % 2], f"guess-{n}", "203.0.113.7") for n in range(5)]

    assert wrong == [HTTPStatus.OK] * 4 + [HTTPStatus.TOO_MANY_REQUESTS]
    # The guesser is locked out on both dynos, even with the right password; with a
    # second factor required (ADMIN_2FA), the owner at another address is not.
    for port in dynos:
        assert sign_in(port, password, "203.0.113.7") == HTTPStatus.TOO_MANY_REQUESTS
        assert sign_in(port, password, "198.51.100.20") == HTTPStatus.FOUND
    harness.run_checked(
        [sys.executable, "manage.py", "axes_reset_ip", "203.0.113.7"],
        harness.production_env(database.url),
        timeout=60,
    )
    assert sign_in(dynos[1], password, "203.0.113.7") == HTTPStatus.FOUND


def test_createsuperuser_refuses_a_weak_password_on_the_release_database(
    database: Database,
) -> None:
    with pytest.raises(RuntimeError, match="DJANGO_SUPERUSER_PASSWORD is too weak"):
        create_superuser(database, "password")

    assert database.scalar("SELECT count(*) FROM accounts_user") == 0


def report_from(port: int, client: str) -> tuple[int, str | None]:
    body = b'{"csp-report": {"document-uri": "https://localhost/", "blocked-uri": "inline"}}'
    response = fetch(
        port,
        "/csp-report/",
        method="POST",
        headers={"Content-Type": "application/csp-report", "X-Forwarded-For": client},
        body=body,
    )
    return response.status, response.header("Retry-After")


def test_csp_reports_past_the_limit_get_429_per_client_behind_the_router(
    database: Database, serve: Serve
) -> None:
    # One worker: the default local-memory cache counts per process (a shared cache,
    # such as Redis, makes the limit hold across processes and dynos).
    server = serve(database.url, WEB_CONCURRENCY="1", CSP_REPORTS_PER_MINUTE="5")

    # The limit counts per calendar minute: start well inside one.
    while time.time() % 60 > 50:
        time.sleep(0.5)
    flood = [report_from(server.port, "203.0.113.7") for _ in range(6)]

    assert [status for status, _ in flood] == [HTTPStatus.NO_CONTENT] * 5 + [
        HTTPStatus.TOO_MANY_REQUESTS
    ]
    assert 1 <= int(flood[-1][1] or 0) <= 60
    assert report_from(server.port, "198.51.100.20")[0] == HTTPStatus.NO_CONTENT
    log = server.log_path.read_text()
    assert log.count("csp-violation {") == 6
