"""Health probes, the CSP report endpoint and the friendly error pages."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus

import pytest
from django.db import connections
from django.test import Client
from pytest_django import Settings

from apps.core import views

pytestmark = pytest.mark.django_db

REPORT_URI_FORM = {
    "csp-report": {
        "document-uri": "https://testserver/a-page/",
        "blocked-uri": "inline",
        "violated-directive": "script-src-elem",
        "effective-directive": "script-src-elem",
        "disposition": "enforce",
        "line-number": 12,
    }
}
REPORTING_API_FORM = [
    {
        "type": "csp-violation",
        "age": 10,
        "url": "https://testserver/",
        "body": {
            "documentURL": "https://testserver/",
            "blockedURL": "https://evil.example.net/x.js",
            "effectiveDirective": "script-src-elem",
            "disposition": "enforce",
            "statusCode": 200,
        },
    }
]


def test_healthz_answers_without_touching_the_database(
    client: Client, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        response = client.get("/healthz")

    assert response.status_code == HTTPStatus.OK
    assert response.text == "ok"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_a_working_database(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never answers, like a hung database."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for connection in [*held, server]:
            connection.close()


def _point_default_database_at(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    # The probe keeps its connection between probes, as a worker does; a new probe thread
    # has none yet, so it connects to the database these settings now name.
    probe_thread = ThreadPoolExecutor(max_workers=1)
    monkeypatch.setattr(views, "_probe_pool", probe_thread)
    unreachable = {
        **connections.settings["default"],
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "bastion",
        "USER": "bastion",
        "HOST": "127.0.0.1",
        "PORT": port,
        "OPTIONS": {"connect_timeout": "5"},
    }
    monkeypatch.setitem(connections.settings, "default", unreachable)


def test_readyz_answers_503_at_its_timeout_when_the_database_hangs(
    client: Client, monkeypatch: pytest.MonkeyPatch, settings: Settings, silent_server: int
) -> None:
    # The shipped 1.5 s, shortened: the test is about giving up, not about waiting.
    settings.READINESS_TIMEOUT_SECONDS = 0.2
    _point_default_database_at(monkeypatch, silent_server)

    started = time.monotonic()
    response = client.get("/readyz")
    elapsed = time.monotonic() - started

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "unavailable", "database": "timeout"}
    # Well before the driver's own 5 s connect timeout: the probe stopped waiting.
    assert elapsed < 2


def test_readyz_answers_503_when_the_database_refuses_connections(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    _point_default_database_at(monkeypatch, port)

    response = client.get("/readyz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "unavailable", "database": "error"}


def _report(client: Client, payload: object, content_type: str) -> int:
    return client.post("/csp-report/", json.dumps(payload), content_type=content_type).status_code


def test_csp_report_uri_form_is_logged_as_one_structured_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="apps.core.views"):
        status = _report(client, REPORT_URI_FORM, "application/csp-report")

    assert status == HTTPStatus.NO_CONTENT
    [record] = caplog.records
    message = record.getMessage()
    assert message.startswith("csp-violation {")
    fields = json.loads(message.removeprefix("csp-violation "))
    assert fields["blocked-uri"] == "inline"
    assert fields["effective-directive"] == "script-src-elem"
    assert fields["document-uri"] == "https://testserver/a-page/"


def test_csp_reporting_api_form_is_logged_the_same_way(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="apps.core.views"):
        status = _report(client, REPORTING_API_FORM, "application/reports+json")

    assert status == HTTPStatus.NO_CONTENT
    [record] = caplog.records
    fields = json.loads(record.getMessage().removeprefix("csp-violation "))
    assert fields["blocked-uri"] == "https://evil.example.net/x.js"
    assert fields["document-uri"] == "https://testserver/"
    assert fields["status-code"] == "200"
    assert fields["violated-directive"] == "script-src-elem"


def test_csp_report_fields_are_truncated_and_stay_on_one_line(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    payload = {
        "csp-report": {
            "document-uri": "https://testserver/",
            "blocked-uri": "x" * 5000 + "\nforged-line level=ERROR",
        }
    }
    with caplog.at_level(logging.WARNING, logger="apps.core.views"):
        _report(client, payload, "application/csp-report")

    message = caplog.records[0].getMessage()
    assert "\n" not in message
    assert len(json.loads(message.removeprefix("csp-violation "))["blocked-uri"]) == 512


def test_csp_report_refuses_an_oversized_body(client: Client) -> None:
    payload = {"csp-report": {"blocked-uri": "x" * 20_000}}

    assert _report(client, payload, "application/csp-report") == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/csp-report", HTTPStatus.BAD_REQUEST),
        ('{"something": "else"}', "application/json", HTTPStatus.BAD_REQUEST),
        (
            '[{"type": "deprecation", "body": {}}]',
            "application/reports+json",
            HTTPStatus.BAD_REQUEST,
        ),
        (json.dumps(REPORT_URI_FORM), "text/plain", HTTPStatus.UNSUPPORTED_MEDIA_TYPE),
    ],
)
def test_csp_report_refuses_what_is_not_a_csp_report(
    client: Client, body: str, content_type: str, status: HTTPStatus
) -> None:
    response = client.post("/csp-report/", body, content_type=content_type)

    assert response.status_code == status


def test_csp_report_accepts_posts_only(client: Client) -> None:
    assert client.get("/csp-report/").status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_the_404_page_is_friendly_and_reveals_nothing(client: Client) -> None:
    response = client.get("/no/such/page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page not found" in response.text
    assert "urlpatterns" not in response.text
    assert "Content-Security-Policy" in response


def test_the_500_page_is_friendly_and_reveals_nothing(settings: Settings) -> None:
    settings.ROOT_URLCONF = "tests.apps.core.urls"
    client = Client(raise_request_exception=False)

    response = client.get("/broken/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Something went wrong" in response.text
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text


def test_every_response_carries_permissions_policy_and_corp(client: Client) -> None:
    for path in ("/admin/login/", "/healthz", "/readyz", "/no/such/page/"):
        response = client.get(path)
        assert "geolocation=()" in response["Permissions-Policy"], path
        assert response["Cross-Origin-Resource-Policy"] == "same-origin", path
        assert response["Reporting-Endpoints"] == 'csp="/csp-report/"', path


def test_static_files_carry_the_same_headers_and_no_cors(client: Client) -> None:
    from django.templatetags.static import static

    response = client.get(static("core/site.css"))

    assert response.status_code == HTTPStatus.OK
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "Access-Control-Allow-Origin" not in response


def test_favicon_ico_leads_to_the_sites_icon(client: Client) -> None:
    response = client.get("/favicon.ico", follow=True)

    assert response.redirect_chain[0][1] == HTTPStatus.FOUND
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/svg+xml"
