"""apps/core/scrub.py, and the reports that pass through it: mail, Sentry, log lines."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from pytest_django import Settings

from apps.core.log import PlainFormatter, json_formatter
from apps.core.observability import before_send, before_send_transaction
from apps.core.reporting import OUTBOX
from apps.core.scrub import scrub, strip_query

REDIS_PASSWORD = "r3dis-pa55word"
RESET_TOKEN = "cz7x1k-4f0e9a2b7c1d"


@pytest.mark.parametrize(
    ("raw", "scrubbed"),
    [
        (
            f"redis://:{REDIS_PASSWORD}@cache.example.com:6379/0",
            "redis://********@cache.example.com:6379/0",
        ),
        ("amqp://guest:guest@broker:5672//", "amqp://********@broker:5672//"),
        ("https://abc123@o1.ingest.sentry.io/42", "https://********@o1.ingest.sentry.io/42"),
        ("/login/?next=/a/&password=hunter2", "/login/?next=/a/&password=********"),
        ("?reset_token=abc&api_key=def&page=3", "?reset_token=********&api_key=********&page=3"),
        ("mail for ada.l@example.com", "mail for ********@example.com"),
        (f"/admin/reset/MQ/{RESET_TOKEN}/", "/admin/reset/********/********/"),
        ("/admin/reset/done/", "/admin/reset/done/"),
        ("level=INFO logger=app request_id=- hello", "level=INFO logger=app request_id=- hello"),
    ],
)
def test_the_scrubber_masks_what_must_not_leave_the_process(raw: str, scrubbed: str) -> None:
    assert scrub(raw) == scrubbed


def test_a_url_stripped_of_its_query_keeps_its_path_scrubbed() -> None:
    assert strip_query(f"https://example.com/reset/MQ/{RESET_TOKEN}/?q=1#top") == (
        "https://example.com/reset/********/********/"
    )


@pytest.mark.urls("tests.apps.core.urls")
def test_error_mail_masks_the_cache_password_query_secrets_and_addresses(
    settings: Settings,
) -> None:
    settings.ADMINS = [("Ada", "ada@example.com")]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CACHES = {
        **settings.CACHES,
        "spare": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"redis://:{REDIS_PASSWORD}@cache.example.com:6379/0",
        },
    }
    settings.BROKER_LOCATION = f"redis://worker:{REDIS_PASSWORD}@broker.example.com/1"

    response = Client(raise_request_exception=False).get(
        "/broken/",
        {"password": "hunter2", "reset_token": RESET_TOKEN, "email": "bob@example.org"},
        headers={"referer": f"https://example.com/admin/reset/MQ/{RESET_TOKEN}/?x=1"},
    )
    OUTBOX.join()

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    [report] = mail.outbox
    body = str(report.body)
    assert "RuntimeError at /broken/" in body
    for secret in (REDIS_PASSWORD, "hunter2", RESET_TOKEN, "bob@example.org", "u:pw@db"):
        assert secret not in body
    assert "redis://********@cache.example.com" in body


def test_sentry_events_lose_extra_request_and_referer_queries_and_secrets() -> None:
    event: Any = {
        "logger": "django.request",
        "request": {
            "url": f"https://example.com/admin/reset/MQ/{RESET_TOKEN}/",
            "query_string": "password=hunter2&page=2",
            "headers": {"Referer": "https://example.com/search?q=ada@example.com&token=abc"},
        },
        "extra": {"request": "<WSGIRequest: GET '/admin/?password=hunter2'>"},
        "message": f"cache at redis://:{REDIS_PASSWORD}@cache.example.com failed",
    }

    sent = str(before_send(event, {}))

    for secret in (REDIS_PASSWORD, "hunter2", RESET_TOKEN, "ada@example.com", "token=abc"):
        assert secret not in sent
    assert "page=2" in sent


def test_sentry_drops_events_of_requests_refused_as_suspicious() -> None:
    event: Any = {"logger": "django.security.DisallowedHost", "message": "Invalid HTTP_HOST"}

    assert before_send(event, {}) is None


def test_sentry_transactions_lose_reset_links_and_addresses() -> None:
    transaction: Any = {
        "transaction": "/admin/reset/<uidb64>/<token>/",
        "request": {"url": f"https://example.com/admin/reset/MQ/{RESET_TOKEN}/"},
        "spans": [{"description": "SELECT ... WHERE email = 'ada@example.com'"}],
    }

    sent = str(before_send_transaction(transaction, {}))

    assert RESET_TOKEN not in sent
    assert "ada@example.com" not in sent


@pytest.mark.parametrize("formatter", [PlainFormatter(), json_formatter()])
def test_the_apps_log_lines_are_scrubbed_in_either_format(formatter: logging.Formatter) -> None:
    record = logging.LogRecord(
        "app", logging.INFO, __file__, 1, "connecting to %s for %s", None, None
    )
    record.args = (f"redis://:{REDIS_PASSWORD}@cache.example.com", "ada@example.com")

    line = formatter.format(record)

    assert REDIS_PASSWORD not in line
    assert "ada@example.com" not in line
    assert "redis://********@cache.example.com" in line


def test_no_upper_case_setting_holds_a_url_with_a_password() -> None:
    from tests.support.settings import load_settings_module

    values = load_settings_module(REDIS_URL=f"redis://:{REDIS_PASSWORD}@cache.example.com:6379/0")

    leaked = [
        name for name, value in values.items() if name.isupper() and REDIS_PASSWORD in str(value)
    ]
    assert leaked == ["CACHES"]
