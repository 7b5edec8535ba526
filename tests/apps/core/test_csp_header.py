"""The Content-Security-Policy header each page gets from django-csp's middleware."""

from __future__ import annotations

import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import pytest
from csp.constants import NONCE, NONE, SELF
from csp.decorators import csp, csp_replace, csp_update
from csp.exceptions import CSPNonceError
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.test import Client, RequestFactory
from django.utils.module_loading import import_string
from pytest_django.fixtures import Settings

from apps.core import middleware

CSP_MIDDLEWARE = "apps.core.middleware.CSPMiddleware"


class StagingImagesCSPMiddleware(CSPMiddleware):
    """A project's own policy rule, added through django-csp's documented hook."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        parts.update = {**(parts.update or {}), "img-src": ["https://images.example.com"]}
        return parts


@pytest.fixture(autouse=True)
def plain_static_storage(settings: Settings) -> None:
    """Pages render {% static %} without the manifest that only collectstatic writes."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def directives(header: str) -> dict[str, str]:
    pairs = (part.strip().partition(" ") for part in header.split(";"))
    return {name: value for name, _, value in pairs}


def test_the_middleware_is_django_csps_own_extended_through_its_documented_hook(
    settings: Settings,
) -> None:
    assert CSP_MIDDLEWARE in settings.MIDDLEWARE
    assert issubclass(import_string(CSP_MIDDLEWARE), CSPMiddleware)


def test_every_page_gets_the_policy_from_the_settings(client: Client) -> None:
    for _ in range(2):
        policy = directives(client.get("/healthz")["Content-Security-Policy"])

        assert policy["default-src"] == "'none'"
        assert policy["frame-ancestors"] == "'none'"
        assert policy["object-src"] == "'none'"
        assert policy["report-uri"] == "/csp-report/"


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

    assert directives(response["Content-Security-Policy-Report-Only"]) == {
        "default-src": "'self'",
        "img-src": "'none'",
    }
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
        response = client.get("/accounts/login/")
        assert response.status_code == HTTPStatus.OK
        page_nonce = re.search(r'nonce="([^"]+)"', response.content.decode())
        assert page_nonce is not None
        assert f"'nonce-{page_nonce.group(1)}'" in response["Content-Security-Policy"]
        nonces.append(page_nonce.group(1))

    assert nonces[0] != nonces[1]


def test_a_page_that_uses_no_nonce_has_none_in_its_header(client: Client) -> None:
    assert "nonce-" not in client.get("/healthz")["Content-Security-Policy"]


def test_a_view_with_its_own_policy_keeps_it() -> None:
    @csp_update({"img-src": ["https://images.example.com"]})
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    response = CSPMiddleware(view)(RequestFactory().get("/"))

    assert isinstance(response, HttpResponse)
    assert "img-src 'self' https://images.example.com" in response["Content-Security-Policy"]


def test_a_subclass_that_overrides_get_policy_parts_is_obeyed(
    client: Client, settings: Settings
) -> None:
    custom = f"{__name__}.StagingImagesCSPMiddleware"
    settings.MIDDLEWARE = [custom if m == CSP_MIDDLEWARE else m for m in settings.MIDDLEWARE]

    policy = directives(client.get("/healthz")["Content-Security-Policy"])

    assert policy["img-src"] == "'self' https://images.example.com"
    assert policy["default-src"] == "'none'"


def test_asking_for_a_nonce_after_the_header_is_sent_is_an_error() -> None:
    request = RequestFactory().get("/")
    CSPMiddleware(lambda request: HttpResponse("ok"))(request)

    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_page_without_a_script_still_names_a_nonce_beside_strict_dynamic(client: Client) -> None:
    # The not-found page has no script; alone, 'strict-dynamic' reads as invalid.
    response = client.get("/no-such-page/")

    policy = response["Content-Security-Policy"]
    assert "<script" not in response.content.decode()
    assert "script-src 'nonce-" in policy
    assert "'strict-dynamic'" in policy


def uncached_and_cached(view: Callable[[HttpRequest], HttpResponse], *, nonce: bool) -> list[str]:
    headers = []
    for cls in (CSPMiddleware, middleware.CSPMiddleware):
        request = RequestFactory().get("/")

        def answer(request: HttpRequest) -> HttpResponseBase:
            if nonce:
                str(request.csp_nonce)  # type: ignore[attr-defined]
            return view(request)

        response = cls(answer)(request)
        assert isinstance(response, HttpResponseBase)
        header = response["Content-Security-Policy"]
        if nonce:
            header = header.replace(request._csp_nonce, "NONCE")  # type: ignore[attr-defined]
        headers.append(header)
    return headers


@pytest.mark.parametrize("nonce", [True, False])
@pytest.mark.parametrize(
    "decorator",
    [
        lambda view: view,
        csp_update({"img-src": ["https://images.example.com"]}),
        csp_replace({"script-src": [SELF, NONCE], "trusted-types": None}),
        csp({"default-src": [NONE], "upgrade-insecure-requests": True}),
    ],
)
def test_the_cached_header_is_the_one_django_csp_builds(
    decorator: Callable[[Callable[[HttpRequest], HttpResponse]], Any], nonce: bool
) -> None:
    # Not HTML: an HTML page always names a nonce (the test above), which is Bastion's rule,
    # not django-csp's.
    view = decorator(lambda request: HttpResponse("ok", content_type="text/plain"))
    for _ in range(2):  # built, then from the cache
        uncached, cached = uncached_and_cached(view, nonce=nonce)

        assert directives(cached) == directives(uncached)


def test_each_response_gets_its_own_nonce_from_the_cached_header() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(str(request.csp_nonce))  # type: ignore[attr-defined]

    responses = [middleware.CSPMiddleware(view)(RequestFactory().get("/")) for _ in range(2)]

    nonces = []
    for response in responses:
        assert isinstance(response, HttpResponse)
        nonces.append(response.content.decode())
        assert f"'nonce-{nonces[-1]}'" in response["Content-Security-Policy"]
    assert nonces[0] != nonces[1]


def test_a_subclass_of_the_cached_middleware_that_overrides_get_policy_parts_is_obeyed(
    client: Client, settings: Settings
) -> None:
    class Staging(StagingImagesCSPMiddleware, middleware.CSPMiddleware):
        pass

    response = Staging(lambda request: HttpResponse("ok"))(RequestFactory().get("/"))

    assert isinstance(response, HttpResponseBase)
    policy = directives(response["Content-Security-Policy"])
    assert policy["img-src"] == "'self' https://images.example.com"
    assert policy["default-src"] == "'none'"
