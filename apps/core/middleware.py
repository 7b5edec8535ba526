"""Response headers that Django and the security libraries in MIDDLEWARE do not send."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Hashable
from typing import Any

from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages import middleware as messages_middleware
from django.contrib.messages.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django_guid import set_guid

from apps.core import page_policies


class RequestIdMiddleware:
    """Give each request an id for its log lines (django-guid's field) and its response.

    The platform's X-Request-ID (Heroku's router sets one) when it reads as a UUID, as
    django-guid's VALIDATE_GUID accepts it, else a new random one (version 4): a header
    that is not a UUID never reaches a log line. What django-guid's middleware does with
    DJANGO_GUID's settings, without re-reading them and the request's headers on every
    request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = str(settings.DJANGO_GUID["GUID_HEADER_NAME"])
        self.meta_key = "HTTP_" + self.header.upper().replace("-", "_")

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = _valid_request_id(request.META.get(self.meta_key)) or new_request_id()
        # Not cleared on the way out: Django logs a 4xx or 5xx after the last middleware.
        set_guid(request_id)
        response = self.get_response(request)
        response[self.header] = request_id
        return response


def new_request_id() -> str:
    """A random UUID, version 4, as text: what `str(uuid.uuid4())` returns.

    Written from the random bytes directly: making the UUID object and formatting it
    cost every request about 9 µs more CPU in the middleware stack.
    """
    value = bytearray(os.urandom(16))
    value[6] = value[6] & 0x0F | 0x40  # the version, 4
    value[8] = value[8] & 0x3F | 0x80  # the variant, RFC 4122's
    text = value.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _valid_request_id(given: str | None) -> str | None:
    if not given:
        return None
    try:
        uuid.UUID(given, version=4)
    except ValueError:
        return None
    return given


class MessageMiddleware(messages_middleware.MessageMiddleware):
    """Django's, with the message storage made only when a message is added or read.

    Making it costs every request its cookie signer and session storage (about 10 µs),
    though most responses neither add nor show a message. A storage never made has
    nothing to save.
    """

    def process_request(self, request: HttpRequest) -> None:
        def storage() -> object:
            request.messages_used = True  # type: ignore[attr-defined]
            return default_storage(request)

        request._messages = SimpleLazyObject(storage)  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if not getattr(request, "messages_used", False):
            return response
        return super().process_response(request, response)


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
        if response.cookies or _varies_on_cookie(response) or _names_a_nonce(response):
            patch_cache_control(response, private=True, no_store=True)
        return response


def _varies_on_cookie(response: HttpResponseBase) -> bool:
    vary = response.get("Vary")
    if not vary:  # most responses: no set to build
        return False
    varies = {value.strip().lower() for value in vary.split(",")}
    return bool(varies & {"cookie", "*"})


def _names_a_nonce(response: HttpResponseBase) -> bool:
    return "'nonce-" in response.get(HEADER, "") or "'nonce-" in response.get(
        HEADER_REPORT_ONLY, ""
    )


# Stands in for the nonce while a policy is built once; never a nonce itself, which is base64.
NONCE_PLACEHOLDER = "bastion-nonce-placeholder"
# Views that compute their policy per request must not grow the cache without bound.
POLICY_CACHE_SIZE = 256
_policies: dict[Hashable, str] = {}


@receiver(setting_changed)
def _forget_policies(setting: str, **kwargs: object) -> None:
    if setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        _policies.clear()


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """django-csp's middleware, with each policy built once and only the nonce inserted.

    The sources PAGE_POLICIES declares for a page are added first (apps/core/
    page_policies.py); what a view's own decorator asks for is kept.

    django-csp assembles the header from settings for every response (`build_policy`,
    about 50 µs). Here `get_policy_parts`, its documented hook, builds each distinct
    policy (settings, a view's decorator, with or without a nonce) once with a
    placeholder, and hands django-csp the finished header as one boolean directive,
    which `build_policy` writes out as it stands. Every decision stays django-csp's:
    DEBUG's error pages, `csp_exempt`, EXCLUDE_URL_PREFIXES, a header a view already
    set, and the error for a nonce asked for after the header is written.

    A subclass that overrides `get_policy_parts` again gets its parts built as
    django-csp builds them, uncached, so its own rule is never folded into a cached one.

    Every HTML page's policy names a nonce, whether or not the page used it. django-csp
    names the nonce only once something asked for it (`request.csp_nonce`), so a page
    without a script would get `script-src 'strict-dynamic'` alone: a policy that
    allows no script, but that scanners such as the MDN HTTP Observatory grade as
    invalid. Asking for the nonce of every HTML page keeps the policy in one form.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        is_redirect = 300 <= response.status_code < 400
        if response.get("Content-Type", "").startswith("text/html") and not is_redirect:
            str(request.csp_nonce)  # type: ignore[attr-defined]  # set by process_request
        return super().process_response(request, response)

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        additions = {} if report_only else page_policies.csp_additions(request.path_info)
        if additions:
            parts.update = page_policies.with_additions(parts.update or {}, additions)
        if type(self).get_policy_parts is not CSPMiddleware.get_policy_parts:
            return parts
        header = cached_policy(parts, report_only=report_only)
        # None: parts that cannot be a key. Empty: django-csp writes no header for
        # these parts either, and with no report-only policy in settings (the usual
        # case) tells so from the parts as they are in one settings lookup.
        if not header:
            return parts
        return PolicyParts(config={header: True})


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


def cached_policy(parts: PolicyParts, *, report_only: bool) -> str | None:
    """The header django-csp would build from `parts`, or None if they cannot be a key."""
    nonce = parts.nonce
    changes = (parts.config, parts.update, parts.replace)
    try:
        # Most responses change nothing: the settings' policy needs no key of its own.
        frozen = None if changes == (None, None, None) else _frozen(changes)
        key = (frozen, nonce is None, report_only)
        template = _policies.get(key)
    except TypeError:  # a value that cannot be hashed: build it as django-csp does
        return None
    if template is None:
        if len(_policies) >= POLICY_CACHE_SIZE:
            _policies.clear()
        placeholder = None if nonce is None else NONCE_PLACEHOLDER
        template = build_policy(
            parts.config, parts.update, parts.replace, placeholder, report_only=report_only
        )
        _policies[key] = template
    return template if nonce is None else template.replace(NONCE_PLACEHOLDER, nonce)


def _frozen(value: Any) -> Hashable:
    """A hashable copy of a policy's dicts, lists and sets, equal when they are equal."""
    if isinstance(value, dict):
        return tuple((name, _frozen(item)) for name, item in value.items())
    if isinstance(value, list | tuple):
        return (type(value).__name__, tuple(_frozen(item) for item in value))
    if isinstance(value, set | frozenset):
        return frozenset(value)
    hash(value)
    # The type too: True == 1, but django-csp writes a boolean directive differently.
    return (type(value).__name__, value)
