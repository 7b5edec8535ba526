"""A few thousand requests at 32 connections against the production stack."""

from __future__ import annotations

import random
from http import HTTPStatus

import pytest

from proof.harness import Database, hashed_static_path
from proof.reliability.support import Serve, send_in_parallel

pytestmark = pytest.mark.deploy

HOME_REQUESTS = 1000


def test_every_request_succeeds_and_every_home_page_visit_is_counted(
    database: Database, serve: Serve
) -> None:
    server = serve(database.url)
    paths = ["/"] * HOME_REQUESTS + ["/healthz", "/api/messages/", "/guestbook/"] * 300
    paths += [hashed_static_path("core/site.css")] * 100
    # Mixed, so every kind of request competes with every other.
    random.Random(2).shuffle(paths)  # noqa: S311  (a fixed order, not a secret)

    outcomes = send_in_parallel(server.port, paths, connections=32)

    failures = [outcome for outcome in outcomes if outcome.status != HTTPStatus.OK]
    assert len(outcomes) == len(paths)
    assert failures == []
    visits = database.scalar("SELECT visits FROM demo_sitecounter WHERE id = 1")
    assert visits == HOME_REQUESTS
