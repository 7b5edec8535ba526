"""/csp-report/ cannot be used to flood the log: a per-client limit, a per-request cap,
and reports about other sites' pages dropped."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

import pytest
from django.http import HttpResponse
from django.test import Client
from pytest_django import Settings

pytestmark = pytest.mark.django_db


# 20 s into a calendar minute, the window the limit counts in.
NOW = 60 * 28_000_000 + 20.0


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit counts per calendar minute; the clock stands still inside one."""
    monkeypatch.setattr("apps.core.ratelimit.time.time", lambda: NOW)


def report(document_uri: str = "https://testserver/a-page/") -> dict[str, object]:
    return {"document-uri": document_uri, "blocked-uri": "inline", "effective-directive": "x"}


def post(client: Client, payload: object, **headers: str) -> HttpResponse:
    return client.post(  # type: ignore[return-value]
        "/csp-report/", json.dumps(payload), content_type="application/json", headers=headers
    )


def logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "apps.core.views"]


def test_a_client_over_the_limit_gets_429_with_retry_after(settings: Settings) -> None:
    settings.CSP_REPORTS_PER_MINUTE = 30
    client = Client()

    statuses = [post(client, {"csp-report": report()}).status_code for _ in range(30)]
    refused = post(client, {"csp-report": report()})

    assert statuses == [HTTPStatus.NO_CONTENT] * 30
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert refused["Retry-After"] == "40"


def test_the_count_starts_again_in_the_next_minute(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.CSP_REPORTS_PER_MINUTE = 1
    client = Client()
    post(client, {"csp-report": report()})
    assert post(client, {"csp-report": report()}).status_code == HTTPStatus.TOO_MANY_REQUESTS

    monkeypatch.setattr("apps.core.ratelimit.time.time", lambda: NOW + 40)

    assert post(client, {"csp-report": report()}).status_code == HTTPStatus.NO_CONTENT


def test_the_limit_is_per_client(settings: Settings) -> None:
    settings.CSP_REPORTS_PER_MINUTE = 2
    noisy = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(3):
        post(noisy, {"csp-report": report()})

    assert post(noisy, {"csp-report": report()}).status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert post(Client(REMOTE_ADDR="198.51.100.7"), {"csp-report": report()}).status_code == (
        HTTPStatus.NO_CONTENT
    )


def test_behind_the_proxy_each_forwarded_client_has_its_own_limit(settings: Settings) -> None:
    settings.CSP_REPORTS_PER_MINUTE = 1
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1"]
    router = Client()

    first = post(router, {"csp-report": report()}, x_forwarded_for="192.0.2.10")
    again = post(router, {"csp-report": report()}, x_forwarded_for="192.0.2.10")
    other = post(router, {"csp-report": report()}, x_forwarded_for="198.51.100.7")

    assert [first.status_code, again.status_code, other.status_code] == [
        HTTPStatus.NO_CONTENT,
        HTTPStatus.TOO_MANY_REQUESTS,
        HTTPStatus.NO_CONTENT,
    ]


def test_one_request_of_many_reports_logs_at_most_ten_lines(
    caplog: pytest.LogCaptureFixture,
) -> None:
    batch = [{"type": "csp-violation", "body": {"documentURL": "https://testserver/"}}] * 200

    with caplog.at_level(logging.WARNING, logger="apps.core.views"):
        status = post(Client(), batch).status_code

    assert status == HTTPStatus.NO_CONTENT
    assert len(logged(caplog)) == 10


@pytest.mark.parametrize(
    "document_uri",
    [
        "https://evil.example.net/",
        "https://testserver.evil.example.net/",
        "about:blank",
        "",
        "not a url",
    ],
)
def test_reports_about_other_sites_pages_are_dropped(
    caplog: pytest.LogCaptureFixture, document_uri: str
) -> None:
    with caplog.at_level(logging.WARNING, logger="apps.core.views"):
        status = post(Client(), {"csp-report": report(document_uri)}).status_code

    assert status == HTTPStatus.NO_CONTENT
    assert logged(caplog) == []


def test_each_accepted_report_is_one_line(caplog: pytest.LogCaptureFixture) -> None:
    batch = [
        {"type": "csp-violation", "body": {"documentURL": "https://testserver/a"}},
        {"type": "csp-violation", "body": {"documentURL": "https://elsewhere.example/b"}},
        {"type": "csp-violation", "body": {"documentURL": "https://testserver/c"}},
    ]

    with caplog.at_level(logging.WARNING, logger="apps.core.views"):
        post(Client(), batch)

    lines = logged(caplog)
    assert [json.loads(line.removeprefix("csp-violation "))["document-uri"] for line in lines] == [
        "https://testserver/a",
        "https://testserver/c",
    ]
