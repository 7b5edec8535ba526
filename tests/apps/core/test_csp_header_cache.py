"""Bastion's CSPMiddleware sends what django-csp would, with the settings' header built once."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from csp.constants import NONE, SELF
from csp.decorators import csp_update
from csp.exceptions import CSPNonceError
from csp.utils import build_policy
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from pytest_django.fixtures import Settings

from apps.core.middleware import CSPMiddleware


@pytest.fixture(autouse=True)
def plain_static_storage(settings: Settings) -> None:
    """Pages render {% static %} without the manifest that only collectstatic writes."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def test_the_header_is_the_policy_django_csp_builds_from_the_settings(client: Client) -> None:
    first = client.get("/healthz")
    second = client.get("/healthz")

    assert first["Content-Security-Policy"] == build_policy()
    assert second["Content-Security-Policy"] == build_policy()
    assert "default-src 'none'" in first["Content-Security-Policy"]


def test_the_header_follows_a_change_of_the_policy(client: Client, settings: Settings) -> None:
    client.get("/healthz")
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF]}}

    response = client.get("/healthz")

    assert response["Content-Security-Policy"] == "default-src 'self'"


def test_a_report_only_policy_is_sent_beside_the_enforced_one(
    client: Client, settings: Settings
) -> None:
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"img-src": [NONE]}}

    response = client.get("/healthz")

    assert response["Content-Security-Policy-Report-Only"] == build_policy(report_only=True)
    assert "img-src 'none'" in response["Content-Security-Policy-Report-Only"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_an_excluded_path_gets_no_header(client: Client, settings: Settings) -> None:
    settings.CONTENT_SECURITY_POLICY = {
        "EXCLUDE_URL_PREFIXES": ["/health"],
        "DIRECTIVES": {"default-src": [NONE]},
    }

    assert "Content-Security-Policy" not in client.get("/healthz")
    assert client.get("/readyz")["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.django_db
def test_a_page_that_uses_the_nonce_gets_a_new_one_in_every_header(client: Client) -> None:
    nonces = []
    for _ in range(2):
        response = client.get("/admin/login/")
        assert response.status_code == HTTPStatus.OK
        page_nonce = re.search(r'nonce="([^"]+)"', response.content.decode())
        assert page_nonce is not None
        assert f"'nonce-{page_nonce.group(1)}'" in response["Content-Security-Policy"]
        nonces.append(page_nonce.group(1))

    assert nonces[0] != nonces[1]


def test_a_view_with_its_own_policy_keeps_it() -> None:
    @csp_update({"img-src": ["https://images.example.com"]})
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    response = CSPMiddleware(view)(RequestFactory().get("/"))

    assert isinstance(response, HttpResponse)
    assert "img-src 'self' https://images.example.com" in response["Content-Security-Policy"]


def test_asking_for_a_nonce_after_the_header_is_sent_is_an_error() -> None:
    request = RequestFactory().get("/")
    CSPMiddleware(lambda request: HttpResponse("ok"))(request)

    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)  # type: ignore[attr-defined]
