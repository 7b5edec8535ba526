"""
The Content-Security-Policy sent, and where none is (W005, W006, W015, W016).

The enforced policy and the admin's replacement of it are judged by
apps.core.checks.csp_policy, as a browser reads them. What is judged here
statically: whether django-csp's middleware (or a subclass) sends a policy,
the URL prefixes django-csp leaves without one, and every view in the URLconf
that django-csp's decorators wrap (the gate names them; what they change is
only known per response, so each is a warning to review and silence with a
reason). A header a view writes itself is not seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.module_loading import import_string

from apps.core.admin_site import ADMIN_POLICY_MARK
from apps.core.checks.csp_policy import policy_findings

CSP_MIDDLEWARE = "csp.middleware.CSPMiddleware"


@register(Tags.security, deploy=True)
def check_csp(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    enforced = getattr(settings, "CONTENT_SECURITY_POLICY", None)
    report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
    installed = any(_is_csp_middleware(path) for path in settings.MIDDLEWARE)
    if not installed or not enforced:
        if report_only and installed:
            return [
                Warning(
                    "The Content-Security-Policy is only reported, never enforced.",
                    hint="Keep an enforced CONTENT_SECURITY_POLICY; report-only is for trials.",
                    id="bastion.W006",
                )
            ]
        return [
            Warning(
                "No Content-Security-Policy is sent.",
                hint=f"Add {CSP_MIDDLEWARE} to MIDDLEWARE and set CONTENT_SECURITY_POLICY.",
                id="bastion.W005",
            )
        ]
    directives = enforced.get("DIRECTIVES", {})
    admin = {**directives, **getattr(settings, "ADMIN_CONTENT_SECURITY_POLICY_DIRECTIVES", {})}
    admin = {name: value for name, value in admin.items() if value is not None}
    site = list(policy_findings(directives))
    reported = {message.id for message in site}
    return [
        *site,
        *(m for m in policy_findings(admin, where=" of the admin") if m.id not in reported),
        *excluded_prefixes(enforced),
        *decorated_views(),
    ]


def _is_csp_middleware(path: str) -> bool:
    """django-csp's middleware, or a subclass that extends it through get_policy_parts."""
    try:
        middleware = import_string(path)
    except ImportError:
        return False
    return isinstance(middleware, type) and issubclass(middleware, CSPMiddleware)


def excluded_prefixes(policy: dict[str, Any]) -> Iterable[CheckMessage]:
    prefixes = list(policy.get("EXCLUDE_URL_PREFIXES") or ())
    if prefixes:
        yield Warning(
            f"CONTENT_SECURITY_POLICY excludes {', '.join(map(repr, prefixes))}: "
            "pages there get no Content-Security-Policy.",
            hint="Remove EXCLUDE_URL_PREFIXES, or give those pages a policy of their own.",
            id="bastion.W015",
        )


def _decorated_by_csp(view: Any) -> str | None:
    """The django-csp decorator wrapping a view (found by where its code lives), or None."""
    seen = 0
    while view is not None and seen < 20:
        if getattr(view, ADMIN_POLICY_MARK, False):
            return None  # the admin's policy, judged with the site's
        code = getattr(view, "__code__", None)
        if code is not None and code.co_filename.replace("\\", "/").endswith("/csp/decorators.py"):
            return str(code.co_qualname).split(".")[0]
        view = getattr(view, "__wrapped__", None)
        seen += 1
    return None


def _walk(patterns: Iterable[Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def decorated_views() -> Iterable[CheckMessage]:
    changed = sorted(
        f"/{route} (@{decorator})"
        for route, view in _walk(get_resolver().url_patterns)
        if (decorator := _decorated_by_csp(view)) is not None
    )
    if changed:
        yield Warning(
            f"Views change the Content-Security-Policy with django-csp's decorators: "
            f"{', '.join(changed)}.",
            hint=(
                "Check that each view's policy passes these checks too, then silence "
                "bastion.W016 with the reason beside SILENCED_SYSTEM_CHECKS."
            ),
            id="bastion.W016",
        )
