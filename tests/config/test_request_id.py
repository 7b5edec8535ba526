"""Every log line of a request carries its id: the platform's X-Request-ID or a new one."""

from __future__ import annotations

import io
import logging
import re
import uuid
from collections.abc import Iterator
from http import HTTPStatus

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.apps.core.urls")]

HEROKU_ID = "0f8e3c2a-5b7d-4e1f-9a6c-2d4b8e0f1a3c"


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """What the stdout handler writes, as Heroku or Docker would collect it."""
    [handler] = [h for h in logging.getLogger().handlers if h.get_name() == "stdout"]
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


def is_uuid(value: str) -> bool:
    return str(uuid.UUID(value)) == value


def test_the_platforms_request_id_is_echoed_and_logged(client: Client, log: io.StringIO) -> None:
    response = client.get("/no-such-page/", headers={"X-Request-ID": HEROKU_ID})

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["X-Request-ID"] == HEROKU_ID
    [line] = [line for line in log.getvalue().splitlines() if "logger=django.request" in line]
    assert (
        line
        == f"level=WARNING logger=django.request request_id={HEROKU_ID} Not Found: /no-such-page/"
    )


def test_without_the_header_a_new_id_is_made_for_each_request(client: Client) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert is_uuid(first)
    assert is_uuid(second)
    assert first != second


def test_a_server_errors_traceback_carries_the_request_id(
    log: io.StringIO,
) -> None:
    response = Client(raise_request_exception=False).get(
        "/broken/", headers={"X-Request-ID": HEROKU_ID}
    )

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert response["X-Request-ID"] == HEROKU_ID
    assert (
        f"level=ERROR logger=django.request request_id={HEROKU_ID} Internal Server Error: /broken/"
        in log.getvalue()
    )


@pytest.mark.parametrize(
    "hostile",
    [
        "forged\nlevel=ERROR logger=django.security request_id=x admin logged in",
        "x" * 5000,
        "0f8e3c2a-5b7d-4e1f-9a6c-2d4b8e0f1a3c; DROP TABLE",
        "<script>alert(1)</script>",
        "../../etc/passwd",
    ],
)
def test_an_id_that_is_not_a_uuid_is_replaced_and_never_logged(
    client: Client, log: io.StringIO, hostile: str
) -> None:
    response = client.get("/no-such-page/", headers={"X-Request-ID": hostile})

    replaced = response["X-Request-ID"]
    assert is_uuid(replaced)
    assert hostile not in log.getvalue()
    assert "DROP TABLE" not in log.getvalue()
    assert f"request_id={replaced} Not Found: /no-such-page/" in log.getvalue()


def test_a_line_logged_outside_a_request_says_so(client: Client, log: io.StringIO) -> None:
    client.get("/healthz", headers={"X-Request-ID": HEROKU_ID})

    logging.getLogger("bastion.test").warning("between requests")

    assert re.search(r"request_id=(None|-) between requests", log.getvalue())
