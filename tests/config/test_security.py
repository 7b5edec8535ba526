"""The security settings as config/settings.py makes them, seen over HTTP."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from pytest_django import Settings

from apps.accounts.services import user_email_mark_verified
from tests.support.settings import (
    HTTPS,
    PRODUCTION_ENVIRON,
    apply_production_settings,
    load_settings_module,
)

pytestmark = pytest.mark.django_db

# Requests as they reach Django through the TLS-terminating proxy, over plain HTTP.
HTTP = {"X-Forwarded-Proto": "http", "Host": "bastion.example.com"}


def test_plain_http_is_redirected_to_https_with_301(production: Settings) -> None:
    response = Client(headers=HTTP).get("/accounts/login/?next=/admin/")

    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "https://bastion.example.com/accounts/login/?next=/admin/"


def test_hsts_is_sent_on_https_responses_only(production: Settings) -> None:
    secure = Client(headers=HTTPS).get("/accounts/login/", secure=True)
    plain = Client(headers=HTTP).get("/healthz")

    assert secure["Strict-Transport-Security"] == "max-age=3600"
    assert plain.status_code == HTTPStatus.OK
    assert "Strict-Transport-Security" not in plain


def test_health_probes_answer_over_plain_http_behind_the_proxy(production: Settings) -> None:
    assert Client(headers=HTTP).get("/healthz").status_code == HTTPStatus.OK
    assert Client(headers=HTTP).get("/readyz").status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "header",
    [{"X-Forwarded-Proto": "https"}, {"X-Forwarded-Ssl": "on"}, {"Forwarded": "proto=https"}],
)
def test_a_client_cannot_fake_https_with_a_header_django_reads_itself(
    production: Settings, header: dict[str, str]
) -> None:
    response = Client(headers={"Host": "bastion.example.com", **header}).get("/accounts/login/")

    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert "Strict-Transport-Security" not in response


def test_https_is_what_the_server_says_not_a_header(production: Settings) -> None:
    assert production.SECURE_PROXY_SSL_HEADER is None
    response = Client(headers=HTTPS).get("/accounts/login/", secure=True)

    assert response.status_code == HTTPStatus.OK
    assert response["Strict-Transport-Security"] == "max-age=3600"


def test_the_admin_session_cookie_is_host_prefixed_and_secure(production: Settings) -> None:
    admin = get_user_model().objects.create_superuser(
        "admin", "admin@example.com", "a-long-passphrase-9"
    )
    user_email_mark_verified(user=admin)
    client = Client(headers=HTTPS)
    login_page = client.get("/accounts/login/", secure=True)
    response = client.post(
        "/accounts/login/",
        {
            "login": "admin@example.com",
            "password": "a-long-passphrase-9",
            "csrfmiddlewaretoken": login_page.context["csrf_token"],
        },
        secure=True,
    )

    session = response.cookies["__Host-sessionid"]
    assert response.status_code == HTTPStatus.FOUND
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert "sessionid" not in response.cookies


def test_a_host_outside_allowed_hosts_gets_400(production: Settings) -> None:
    response = Client(headers={**HTTPS, "Host": "evil.example.net"}).get(
        "/accounts/login/", secure=True
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Bad request" in response.text
    assert "evil.example.net" not in response.text


def test_sign_in_page_headers_under_use_ssl(production: Settings) -> None:
    response = Client(headers=HTTPS).get("/accounts/login/", secure=True)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    csp = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert csp["default-src"] == "'none'"
    # The site's strict policy: the sign-in page is the site's, not the admin's.
    assert re.fullmatch(r"'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'", csp["script-src"])
    assert csp["require-trusted-types-for"] == "'script'"
    assert csp["img-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["form-action"] == "'self'"
    assert csp["report-uri"] == "/csp-report/"


@pytest.mark.parametrize(
    ("stage", "seconds"),
    [
        ("hour", 3600),
        ("day", 86400),
        ("week", 604800),
        ("month", 2592000),
        ("year", 31536000),
        ("two-years", 63072000),
    ],
)
def test_one_variable_raises_hsts_through_its_stages(stage: str, seconds: int) -> None:
    values = load_settings_module(**{**PRODUCTION_ENVIRON, "HSTS_STAGE": stage})

    assert values["SECURE_HSTS_SECONDS"] == seconds
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is False


def test_without_use_ssl_nothing_forces_https() -> None:
    values = load_settings_module(SECRET_KEY=PRODUCTION_ENVIRON["SECRET_KEY"], DEBUG="true")

    assert "SECURE_PROXY_SSL_HEADER" not in values
    assert "SECURE_SSL_REDIRECT" not in values
    assert "SECURE_HSTS_SECONDS" not in values
    assert "SESSION_COOKIE_SECURE" not in values


def test_under_use_ssl_reports_go_to_the_reporting_api_and_report_uri(
    production: Settings,
) -> None:
    policy = Client(headers=HTTPS).get("/accounts/login/", secure=True)["Content-Security-Policy"]

    assert "report-to csp" in policy
    assert "report-uri /csp-report/" in policy


def test_over_plain_http_reports_use_report_uri_alone(client: Client) -> None:
    response = client.get("/accounts/login/")

    assert "report-uri /csp-report/" in response["Content-Security-Policy"]
    assert "report-to" not in response["Content-Security-Policy"]
    assert response["Reporting-Endpoints"] == 'csp="/csp-report/"'


def test_a_stricter_policy_can_be_trialled_in_report_only_mode(settings: Settings) -> None:
    apply_production_settings(
        settings, CSP_REPORT_ONLY_POLICY='{"default-src": ["\'none\'"], "style-src": ["\'none\'"]}'
    )

    response = Client(headers=HTTPS).get("/accounts/login/", secure=True)

    trial = response["Content-Security-Policy-Report-Only"]
    assert "style-src 'none'" in trial
    assert "report-uri /csp-report/" in trial
    assert "style-src 'self'" in response["Content-Security-Policy"]
