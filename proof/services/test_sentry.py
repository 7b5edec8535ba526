"""Sentry from SENTRY_DSN: events reach a real ingest endpoint, and they hold no secrets."""

from __future__ import annotations

import http.client
import urllib.parse
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

import pytest
import sentry_sdk
from django.contrib.auth import get_user_model
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from proof.services.sentry_receiver import PROJECT_ID, PUBLIC_KEY, Ingest, sentry_ingest
from tests.support.settings import load_settings_module, strong_key

SECRET_KEY = strong_key()
PASSWORD = "a-long-user-passphrase-31"
REQUEST_ID = "6b1d4f0e-8a2c-4e7b-b3d9-0c5e7f1a2b4d"


@pytest.fixture
def ingest() -> Iterator[tuple[str, Ingest]]:
    with sentry_ingest() as (dsn, received):
        yield dsn, received


def start_sentry(dsn: str, **environ: str) -> dict[str, Any]:
    """Evaluate config/settings.py with SENTRY_DSN, as the web process does at start-up."""
    return load_settings_module(SECRET_KEY=SECRET_KEY, SENTRY_DSN=dsn, **environ)


def test_capture_message_reaches_the_dsn_host_with_release_and_environment(
    ingest: tuple[str, Ingest],
) -> None:
    dsn, received = ingest
    start_sentry(dsn, APP_RELEASE="3f9c2a7e1b", SENTRY_ENVIRONMENT="staging")

    sentry_sdk.capture_message("Bastion says hello")
    [event] = received.wait_for_events(1)

    envelope = received.envelopes[0]
    assert envelope.path == f"/api/{PROJECT_ID}/envelope/"
    assert f"sentry_key={PUBLIC_KEY}" in envelope.auth
    assert event["message"] == "Bastion says hello"
    assert event["release"] == "3f9c2a7e1b"
    assert event["environment"] == "staging"


def test_the_release_defaults_to_herokus_commit_variable(
    ingest: tuple[str, Ingest], monkeypatch: pytest.MonkeyPatch
) -> None:
    dsn, received = ingest
    monkeypatch.setenv("HEROKU_SLUG_COMMIT", "b7e1c0ffee")
    monkeypatch.delenv("SENTRY_RELEASE", raising=False)
    monkeypatch.delenv("HEROKU_BUILD_COMMIT", raising=False)
    # Outside a git checkout, as on a dyno (the slug has no .git).
    monkeypatch.setenv("GIT_DIR", "/nonexistent")
    start_sentry(dsn)

    sentry_sdk.capture_message("which release?")
    [event] = received.wait_for_events(1)

    assert event["release"] == "b7e1c0ffee"
    assert event["environment"] == "production"


def post(server: str, path: str, form: dict[str, str], headers: dict[str, str]) -> int:
    """A real HTTP request to the live server, through Django's WSGI handler."""
    address = urllib.parse.urlsplit(server)
    connection = http.client.HTTPConnection(address.netloc, timeout=10)
    try:
        connection.request(
            "POST",
            path,
            body=urllib.parse.urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        )
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.apps.core.urls")
def test_a_server_error_arrives_without_cookies_session_csrf_token_or_secret_key(
    ingest: tuple[str, Ingest], settings: Settings, live_server: LiveServer
) -> None:
    dsn, received = ingest
    start_sentry(dsn)
    settings.SECRET_KEY = SECRET_KEY
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = get_user_model().objects.create_user("ada", "ada@example.com", PASSWORD)
    client = Client()
    client.force_login(user)
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    csrf_token = get_token(RequestFactory().get("/"))

    status = post(
        live_server.url,
        "/broken/?next=/admin/&token=query-token-value",
        {"csrfmiddlewaretoken": csrf_token, "password": PASSWORD, "note": "private words"},
        headers={
            "Cookie": f"csrftoken={csrf_token}; sessionid={session_key}",
            "X-CSRFToken": csrf_token,
            "Authorization": "Bearer bearer-token-value",
            "X-Forwarded-For": "203.0.113.9",
            "X-Request-ID": REQUEST_ID,
        },
    )
    [event] = received.wait_for_events(1)

    assert status == HTTPStatus.INTERNAL_SERVER_ERROR
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    # The same id as on the request's log lines, to find them from the report.
    assert event["tags"]["request_id"] == REQUEST_ID
    request = event["request"]
    assert request["url"] == f"{live_server.url}/broken/"
    assert request["method"] == "POST"
    assert "cookies" not in request
    assert "data" not in request
    assert "user" not in event
    raw = b"".join(envelope.raw for envelope in received.envelopes).decode()
    for secret in (session_key, csrf_token, SECRET_KEY, PASSWORD):
        assert secret not in raw
    for private in ("query-token-value", "bearer-token-value", "203.0.113.9", "private words"):
        assert private not in raw
    assert "ada@example.com" not in raw
    # SENTRY_TRACES_SAMPLE_RATE defaults to 0: no performance traces.
    assert not [h for e in received.envelopes for h, _ in e.items if h["type"] == "transaction"]


@pytest.mark.django_db(transaction=True)
def test_a_sample_rate_of_one_traces_every_request(
    ingest: tuple[str, Ingest], live_server: LiveServer
) -> None:
    dsn, received = ingest
    start_sentry(dsn, SENTRY_TRACES_SAMPLE_RATE="1")

    connection = http.client.HTTPConnection(urllib.parse.urlsplit(live_server.url).netloc)
    connection.request("GET", "/healthz")
    assert connection.getresponse().status == HTTPStatus.OK
    connection.close()
    sentry_sdk.flush(timeout=5)

    kinds = [header["type"] for envelope in received.envelopes for header, _ in envelope.items]
    assert "transaction" in kinds


def get(server: str, path: str, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(server).netloc, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.apps.core.urls")
def test_events_and_transactions_carry_no_reset_link_referer_query_or_address(
    ingest: tuple[str, Ingest], live_server: LiveServer
) -> None:
    dsn, received = ingest
    start_sentry(dsn, SENTRY_TRACES_SAMPLE_RATE="1")
    token = "cz7x1k-4f0e9a2b7c1d5e6f"
    referer = {"Referer": f"{live_server.url}/admin/reset/MQ/{token}/?email=ada@example.com"}

    reset = get(live_server.url, f"/admin/reset/MQ/{token}/?email=ada@example.com", referer)
    broken = get(live_server.url, "/broken/?reset_token=query-token-value", referer)
    received.wait_for_events(1)
    sentry_sdk.flush(timeout=5)

    assert reset in {HTTPStatus.OK, HTTPStatus.FOUND}
    assert broken == HTTPStatus.INTERNAL_SERVER_ERROR
    kinds = [header["type"] for envelope in received.envelopes for header, _ in envelope.items]
    assert "transaction" in kinds
    raw = b"".join(envelope.raw for envelope in received.envelopes).decode()
    for secret in (token, "ada@example.com", "query-token-value"):
        assert secret not in raw
