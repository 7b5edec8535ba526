"""Response headers that Django and the security libraries in MIDDLEWARE do not send."""

from __future__ import annotations

from collections.abc import Callable

from csp.constants import HEADER, HEADER_REPORT_ONLY
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

CSP_HEADERS = (HEADER, HEADER_REPORT_ONLY)


class SecurityHeadersMiddleware:
    """Add Cross-Origin-Resource-Policy and the endpoint that CSP reports go to."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.reporting_endpoints = f'csp="{settings.CSP_REPORT_URL}"'

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        response.headers.setdefault("Reporting-Endpoints", self.reporting_endpoints)
        return response


class PrivateResponseMiddleware:
    """`Cache-Control: private, no-store` on every response made for one visitor.

    A response that carries a CSRF token or reads the session varies on the Cookie
    header (Django adds `Vary: Cookie`), one that sets a cookie is for its recipient
    only, and one whose CSP names a nonce must never be replayed: a shared cache that
    stored any of them would hand one visitor's token, session or nonce to the next.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.cookies
            or _varies_on_cookie(response)
            or any("'nonce-" in response.get(header, "") for header in CSP_HEADERS)
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response


def _varies_on_cookie(response: HttpResponseBase) -> bool:
    varies = {value.strip().lower() for value in response.get("Vary", "").split(",")}
    return bool(varies & {"cookie", "*"})


class NoncedPagesMiddleware:
    """Every HTML page's policy names a nonce, whether or not the page used it.

    django-csp names the nonce only once something asked for it (`request.csp_nonce`),
    so a page without a script would get `script-src 'strict-dynamic'` alone: a policy
    that allows no script, but that scanners such as the MDN HTTP Observatory grade as
    invalid. Asking for the nonce of every HTML page keeps the policy in one form.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        is_redirect = 300 <= response.status_code < 400
        if response.get("Content-Type", "").startswith("text/html") and not is_redirect:
            str(request.csp_nonce)  # type: ignore[attr-defined]  # set by django-csp
        return response
