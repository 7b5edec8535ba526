"""Response headers that Django does not send itself, and django-csp's, built once."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

# Every powerful browser feature is denied: the app uses none of them.
# A feature a page needs later is added here with the origins that may use it.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "web-share",
        "xr-spatial-tracking",
    )
)


CSP_HEADERS = (HEADER, HEADER_REPORT_ONLY)


class SecurityHeadersMiddleware:
    """Add Permissions-Policy, Cross-Origin-Resource-Policy and the CSP reporting endpoint."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.reporting_endpoints = f'csp="{settings.CSP_REPORT_URL}"'

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
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


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """django-csp's middleware, with the policy from settings built once, not per response.

    django-csp builds its header from settings again for every response: the largest cost
    of a small response like /healthz in a profile. Most responses use the settings as they
    are and get the same header every time, so that header is built once (and again when
    the settings change). A response that used a nonce or has a per-view policy
    (@csp_exempt, @csp_update, ...), and DEBUG's error pages, go through django-csp.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(name.startswith("_csp_") for name in vars(response))
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        for header, policy, excluded_prefixes in _settings_policies():
            if (
                policy
                and header not in response
                and not request.path_info.startswith(excluded_prefixes)
            ):
                response[header] = policy
        # As django-csp does: a nonce asked for once the header is sent would be an error.
        setattr(  # noqa: B010  (HttpRequest declares no csp_nonce)
            request,
            "csp_nonce",
            csp_middleware.CheckableLazyObject(self._csp_nonce_post_response),
        )
        return response


@functools.cache
def _settings_policies() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(header, policy, excluded path prefixes) for the enforced and the report-only policy."""
    policies = []
    for header, setting, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    ):
        prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
        policies.append((header, build_policy(report_only=report_only), tuple(prefixes)))
    return tuple(policies)


@receiver(setting_changed)
def _forget_policies(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _settings_policies.cache_clear()
