"""Logging as config/settings.py sets it up: a request id on every line, plain or JSON."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils.module_loading import import_string

from apps.core.middleware import new_request_id
from config.boot import CONFIG_ERROR_EXIT_STATUS
from tests.support.settings import load_settings_module

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
    # Random UUIDs, as uuid.uuid4() makes them: version 4, RFC 4122's variant.
    for made in (uuid.UUID(first), uuid.UUID(second)):
        assert (made.version, made.variant) == (4, uuid.RFC_4122)


def test_a_made_id_is_a_random_uuid_as_uuid4_makes_it() -> None:
    made = [new_request_id() for _ in range(1000)]

    assert len(set(made)) == len(made)
    for text in made:
        value = uuid.UUID(text)
        assert str(value) == text
        assert (value.version, value.variant) == (4, uuid.RFC_4122)
    # Only the hyphens and the version digit stay put: 122 random bits, as in uuid4()'s.
    fixed = {place for place in range(36) if len({text[place] for text in made}) == 1}
    assert fixed == {8, 13, 14, 18, 23}


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

    assert "request_id=- between requests" in log.getvalue()


def test_a_csp_report_reaches_stdout_under_its_module_logger(
    client: Client, log: io.StringIO
) -> None:
    report = {"csp-report": {"document-uri": "http://testserver/", "blocked-uri": "inline"}}

    client.post("/csp-report/", json.dumps(report), content_type="application/csp-report")

    [line] = [line for line in log.getvalue().splitlines() if "csp-violation" in line]
    assert line.startswith("level=WARNING logger=apps.core.views request_id=")


def test_log_format_json_makes_one_object_per_line_with_the_request_id(
    client: Client, log: io.StringIO
) -> None:
    [handler] = [h for h in logging.getLogger().handlers if h.get_name() == "stdout"]
    previous = handler.formatter
    handler.setFormatter(logging_config_formatter("json"))
    try:
        client.get("/no-such-page/", headers={"X-Request-ID": HEROKU_ID})
    finally:
        handler.setFormatter(previous)

    [line] = [line for line in log.getvalue().splitlines() if "django.request" in line]
    assert json.loads(line) == {
        "level": "WARNING",
        "logger": "django.request",
        "message": "Not Found: /no-such-page/",
        "request_id": HEROKU_ID,
        "status_code": 404,
    }


def logging_config_formatter(name: str) -> logging.Formatter:
    """The formatter config/settings.py configures for LOG_FORMAT=name."""
    values = load_settings_module(LOG_FORMAT=name, DEBUG="true")
    handler = values["LOGGING"]["handlers"]["stdout"]
    spec = values["LOGGING"]["formatters"][handler["formatter"]]
    factory = import_string(spec["()"])
    formatter = factory()
    assert isinstance(formatter, logging.Formatter)
    return formatter


def test_log_format_is_plain_by_default_and_read_in_any_case() -> None:
    def formatter(**environ: str) -> str:
        logging_setting = load_settings_module(DEBUG="true", **environ)["LOGGING"]
        return str(logging_setting["handlers"]["stdout"]["formatter"])

    assert formatter() == "plain"
    assert formatter(LOG_FORMAT="JSON") == "json"


def test_a_bad_log_format_stops_startup_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        load_settings_module(DEBUG="true", LOG_FORMAT="xml")

    lines = capsys.readouterr().err.strip().splitlines()
    assert stopped.value.code == CONFIG_ERROR_EXIT_STATUS
    assert len(lines) == 1
    assert lines[0].startswith("Configuration error: LOG_FORMAT='xml' is invalid")
    assert "plain (level=... logger=... request_id=... message) or json" in lines[0]
