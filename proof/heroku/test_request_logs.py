"""The production stack's log, as Heroku collects it: one request id on every line of a request.

gunicorn with gunicorn.conf.py on a fresh PostgreSQL database, behind the headers
Heroku's router adds. The router's own line carries X-Request-ID; the app's lines
and gunicorn's access line must carry the same id, or a new one when the header
is missing or not a UUID, and nothing a client sent may start a line of its own.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from proof import harness
from proof.harness import Database, Server

pytestmark = pytest.mark.deploy

HEROKU_ID = "0f8e3c2a-5b7d-4e1f-9a6c-2d4b8e0f1a3c"
FORGED = "forged level=ERROR logger=django.security request_id=- admin logged in"

Serve = Callable[..., Server]


@pytest.fixture(scope="module")
def database() -> Iterator[Database]:
    harness.collectstatic()
    with harness.fresh_database("request_logs") as database:
        harness.release(database.url)
        yield database


@pytest.fixture
def serve(database: Database, tmp_path: Path) -> Iterator[Serve]:
    servers: list[Server] = []

    def start(**env: str) -> Server:
        env.setdefault("WEB_CONCURRENCY", "1")
        log = tmp_path / f"gunicorn-{len(servers) + 1}.log"
        server = Server("config.wsgi", harness.production_env(database.url, **env), log)
        servers.append(server)
        server.wait_until_serving()
        return server

    yield start
    for server in servers:
        server.stop()
        print(f"--- gunicorn on port {server.port}, last lines of its log:\n{server.log_tail()}")


def missing_page(server: Server, request_id: str | None) -> str:
    """GET a page that does not exist (a django.request warning); return the id echoed."""
    headers = {"X-Request-ID": request_id} if request_id is not None else {}
    response = harness.fetch(server.port, "/no-such-page/", headers=headers)
    assert response.status == 404
    echoed = response.header("X-Request-ID")
    assert echoed is not None
    return echoed


def log_lines(server: Server, *ids: str, timeout: float = 10.0) -> list[str]:
    """The log, once gunicorn has written an access line for each id."""
    deadline = time.monotonic() + timeout
    while True:
        lines = server.log_path.read_text(errors="replace").splitlines()
        access = [line for line in lines if line.startswith("method=")]
        if all(any(f"request_id={i} " in line for line in access) for i in ids):
            return lines
        if time.monotonic() > deadline:
            raise AssertionError(f"no access line for every id in:\n{server.log_tail()}")
        time.sleep(0.05)


def test_each_requests_app_line_and_access_line_share_one_id(serve: Serve) -> None:
    server = serve()

    given = missing_page(server, HEROKU_ID)
    generated = missing_page(server, None)
    replaced = missing_page(server, FORGED)
    lines = log_lines(server, given, generated, replaced)

    assert given == HEROKU_ID
    assert str(uuid.UUID(generated)) == generated
    assert str(uuid.UUID(replaced)) == replaced
    for request_id in (given, generated, replaced):
        app = [line for line in lines if line.startswith("level=") and request_id in line]
        access = [line for line in lines if line.startswith("method=") and request_id in line]
        assert app == [
            f"level=WARNING logger=django.request request_id={request_id} Not Found: /no-such-page/"
        ]
        assert len(access) == 1
        assert 'path="/no-such-page/" status=404' in access[0]
    assert "forged" not in "\n".join(lines)
    assert not any(line.startswith("level=ERROR") for line in lines)


def test_log_format_json_writes_the_same_record_as_one_json_object(serve: Serve) -> None:
    server = serve(LOG_FORMAT="json")

    request_id = missing_page(server, HEROKU_ID)
    lines = log_lines(server, request_id)

    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert {
        "level": "WARNING",
        "logger": "django.request",
        "message": "Not Found: /no-such-page/",
        "request_id": HEROKU_ID,
        "status_code": 404,
    } in records
    # gunicorn's access line stays logfmt, with the same id.
    assert any(re.match(rf"method=GET .* request_id={HEROKU_ID} ", line) for line in lines)
