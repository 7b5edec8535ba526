"""The database goes away: probes tell the platform, pages apologise, the app heals itself."""

from __future__ import annotations

import time
from http import HTTPStatus

import pytest

from proof.harness import Database, Server, fetch, free_port, wait_until, with_port
from proof.harness.fixtures import Serve
from proof.harness.ports import silent_port
from proof.harness.proxies import TcpProxy

pytestmark = pytest.mark.deploy

UNREACHABLE = "postgres://postgres@127.0.0.1:5432/bastion_unreachable"
# What 500.html says; the technical details go to the log, never to the visitor.
FRIENDLY_ERROR = "Something went wrong"
LEAKS = ("Traceback", "OperationalError", "psycopg", "127.0.0.1")
# A page that writes to the database on every request (the proof site's counter).
COUNTER = "/proof/count/"


def assert_degraded_gracefully(server: Server) -> None:
    started = time.monotonic()
    ready = fetch(server.port, "/readyz")
    assert time.monotonic() - started < 2
    assert ready.status == HTTPStatus.SERVICE_UNAVAILABLE

    page = fetch(server.port, COUNTER, timeout=15)
    assert page.status == HTTPStatus.INTERNAL_SERVER_ERROR
    assert FRIENDLY_ERROR in page.text
    assert [leak for leak in LEAKS if leak in page.text] == []

    health = fetch(server.port, "/healthz")
    assert health.status == HTTPStatus.OK
    assert health.body == b"ok"
    assert health.header("Strict-Transport-Security")


def test_a_closed_database_port_gives_503_readiness_and_friendly_error_pages(
    serve: Serve,
) -> None:
    server = serve(with_port(UNREACHABLE, free_port()))

    assert_degraded_gracefully(server)


def test_a_database_that_never_answers_gives_503_readiness_and_friendly_error_pages(
    serve: Serve,
) -> None:
    with silent_port() as port:
        server = serve(with_port(UNREACHABLE, port))

        assert_degraded_gracefully(server)


def test_the_app_recovers_without_a_restart_when_the_database_comes_back(
    database: Database, database_proxy: TcpProxy, proxied_url: str, serve: Serve
) -> None:
    server = serve(proxied_url)
    assert fetch(server.port, "/readyz").status == HTTPStatus.OK
    assert fetch(server.port, COUNTER).status == HTTPStatus.OK
    workers = server.worker_pids()

    database_proxy.stop()
    assert_degraded_gracefully(server)
    database_proxy.start()

    wait_until(lambda: fetch(server.port, "/readyz").status == HTTPStatus.OK, 5, "ready again")
    assert fetch(server.port, COUNTER).status == HTTPStatus.OK
    assert server.worker_pids() == workers
