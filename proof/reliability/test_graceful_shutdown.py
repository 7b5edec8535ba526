"""SIGTERM, as Heroku and Docker send on every deploy, while requests are in flight."""

from __future__ import annotations

import runpy
import time
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

import pytest

from proof.harness import GUNICORN_CONF, Database, fetch, requests_served_at_once, wait_until
from proof.harness.fixtures import Serve
from proof.harness.proxies import TcpProxy

pytestmark = pytest.mark.deploy

GRACEFUL_TIMEOUT = runpy.run_path(str(GUNICORN_CONF))["graceful_timeout"]
# As many as the server surely serves at once (the serve fixture runs 2 workers), so none
# of them waits in a queue instead of the database.
IN_FLIGHT = requests_served_at_once(workers=2)
HELD_SECONDS = 2
# A page that writes to the database on every request (the proof site's counter).
COUNTER = "/proof/count/"


def test_sigterm_lets_every_request_in_flight_finish_and_then_exits(
    database: Database, database_proxy: TcpProxy, proxied_url: str, serve: Serve
) -> None:
    server = serve(proxied_url)
    # The database answers nothing until resume(): the requests below are held mid-query.
    database_proxy.pause()
    with ThreadPoolExecutor(IN_FLIGHT) as pool:
        requests = [pool.submit(fetch, server.port, COUNTER, timeout=30) for _ in range(IN_FLIGHT)]
        wait_until(
            lambda: database_proxy.connections_waiting() >= IN_FLIGHT, 10, "requests in flight"
        )

        server.terminate()
        terminated = time.monotonic()
        # A query that outlasts a short graceful timeout would be cut off here.
        time.sleep(HELD_SECONDS)
        assert not any(request.done() for request in requests)
        database_proxy.resume()
        statuses = [request.result().status for request in requests]

    server.process.wait(timeout=GRACEFUL_TIMEOUT + 5)
    exited_after = time.monotonic() - terminated

    assert statuses == [HTTPStatus.OK] * IN_FLIGHT
    assert database.scalar("SELECT hits FROM proof_site_counter WHERE id = 1") == IN_FLIGHT
    assert exited_after < GRACEFUL_TIMEOUT
    assert server.process.returncode == 0
