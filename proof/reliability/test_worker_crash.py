"""A worker dies (out of memory, a segfault in a C extension) while the site is under load."""

from __future__ import annotations

import os
import signal
import threading
from http import HTTPStatus

import pytest

from proof.harness import Database, wait_until
from proof.harness.clients import Outcome, send_in_parallel
from proof.harness.fixtures import Serve

pytestmark = pytest.mark.deploy

CONNECTIONS = 16
REQUESTS = 2000
# The proof site's counter page: one database write per request.
COUNTER = "/proof/count/"


def test_the_master_replaces_a_killed_worker_and_only_its_requests_fail(
    database: Database, serve: Serve
) -> None:
    server = serve(database.url)
    workers = server.worker_pids()
    outcomes: list[Outcome] = []
    paths = [COUNTER, "/healthz", "/api/proof/notes/"] * (REQUESTS // 3)
    load = threading.Thread(
        target=send_in_parallel, args=(server.port, paths, CONNECTIONS, outcomes)
    )
    load.start()
    try:
        # Kill it in the middle of the load, not before the load reaches it.
        wait_until(lambda: len(outcomes) > len(paths) // 4, 20, "a quarter of the load")
        os.kill(workers[0], signal.SIGKILL)
        wait_until(lambda: len(set(server.worker_pids()) - set(workers)) == 1, 10, "a new worker")
        replaced = server.worker_pids()
    finally:
        load.join()

    assert workers[0] not in replaced
    assert workers[1] in replaced
    failed = [outcome for outcome in outcomes if outcome.status != HTTPStatus.OK]
    # Each connection the dead worker held fails once at most; no failure is a server error.
    assert len(outcomes) == len(paths)
    assert all(outcome.status is None for outcome in failed)
    assert len(failed) <= CONNECTIONS
    # Service went on: the last quarter of the requests all succeeded.
    last = sorted(outcomes, key=lambda outcome: outcome.finished)[-len(outcomes) // 4 :]
    assert all(outcome.status == HTTPStatus.OK for outcome in last)
    hits = database.scalar("SELECT hits FROM proof_site_counter WHERE id = 1")
    counted_ok = sum(1 for o in outcomes if o.path == COUNTER and o.status == HTTPStatus.OK)
    counted_failed = sum(1 for o in failed if o.path == COUNTER)
    assert counted_ok <= hits <= counted_ok + counted_failed
