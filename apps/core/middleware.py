"""Response headers that Django and the security libraries in MIDDLEWARE do not send."""

from __future__ import annotations

from collections.abc import Callable

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

from apps.core import page_policies

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


class PagePoliciesCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, adding the sources PAGE_POLICIES declares for the page.

    Extends it through `get_policy_parts`, the hook django-csp documents for
    per-request changes; what a view's own decorator asks for is kept.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        additions = {} if report_only else page_policies.csp_additions(request.path_info)
        if additions:
            parts.update = page_policies.with_additions(parts.update or {}, additions)
        return parts


class PagePermissionsPolicyMiddleware:
    """The Permissions-Policy PAGE_POLICIES declares for a page, in place of the site's.

    Listed before django-permissions-policy's middleware, so it sees the header that
    one wrote and replaces it only on the pages that declare features.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        header = page_policies.permissions_header(request.path_info)
        if header is not None:
            response["Permissions-Policy"] = header
        return response
