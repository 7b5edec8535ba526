"""A few thousand requests at 32 connections against the production stack."""

from __future__ import annotations

import random
from http import HTTPStatus

import pytest

from proof.harness import Database, hashed_static_path
from proof.harness.clients import send_in_parallel
from proof.harness.fixtures import Serve

pytestmark = pytest.mark.deploy

# The proof site's counter page: one database write per request.
COUNTER = "/proof/count/"
COUNTED_REQUESTS = 1000


def test_every_request_succeeds_and_every_counted_request_is_counted_once(
    database: Database, serve: Serve
) -> None:
    server = serve(database.url)
    paths = [COUNTER] * COUNTED_REQUESTS
    paths += ["/", "/healthz", "/accounts/login/", "/api/proof/notes/", "/proof/form/"] * 200
    paths += [hashed_static_path("core/site.css")] * 100
    # Mixed, so every kind of request competes with every other.
    random.Random(2).shuffle(paths)  # noqa: S311  (a fixed order, not a secret)

    outcomes = send_in_parallel(server.port, paths, connections=32)

    failures = [outcome for outcome in outcomes if outcome.status != HTTPStatus.OK]
    assert len(outcomes) == len(paths)
    assert failures == []
    hits = database.scalar("SELECT hits FROM proof_site_counter WHERE id = 1")
    assert hits == COUNTED_REQUESTS
