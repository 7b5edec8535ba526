"""
Per-page widenings of the site's policies, declared in one setting.

PAGE_POLICIES maps a URL path prefix to what its pages add to the site's
headers:

    PAGE_POLICIES = {
        "/checkout/": {
            "csp": {"frame-src": ["https://js.pay.example"], ...},
            "permissions": {"payment": ["self", "https://js.pay.example"]},
        },
    }

"csp" adds sources to Content-Security-Policy directives, as django-csp's
`csp_update` does; "permissions" sets the origins a Permissions-Policy feature
is allowed to. The longest matching prefix applies. The deploy checks judge
each page's resulting policy (apps/core/checks/page_policies.py), so a widening
declared here never needs a silenced check.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django_permissions_policy import PermissionsPolicyMiddleware

Sources = dict[str, list[str]]


def declared() -> dict[str, dict[str, Sources]]:
    policies: dict[str, dict[str, Sources]] = getattr(settings, "PAGE_POLICIES", {}) or {}
    return policies


def prefix_for(path: str) -> str | None:
    """The longest declared prefix this path starts with, or None."""
    prefixes = _longest_first(tuple(declared()))
    # Every request asks, and most paths match no prefix: one call tells them apart.
    if not path.startswith(prefixes):
        return None
    return next(prefix for prefix in prefixes if path.startswith(prefix))


@cache
def _longest_first(prefixes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(prefixes, key=len, reverse=True))


def csp_additions(path: str) -> Sources:
    prefix = prefix_for(path)
    return dict(declared()[prefix].get("csp", {})) if prefix is not None else {}


def with_additions(directives: dict[str, Any], additions: Sources) -> dict[str, Any]:
    """A policy's directives with sources appended, as `csp_update` appends them."""
    merged = dict(directives)
    for name, added in additions.items():
        current = merged.get(name)
        merged[name] = [*(current or []), *added]
    return merged


def permissions(prefix: str) -> Sources:
    """The Permissions-Policy of the pages under a prefix: the site's, with theirs."""
    site: Sources = getattr(settings, "PERMISSIONS_POLICY", {})
    return {**site, **declared()[prefix].get("permissions", {})}


@cache
def _permissions_header(prefix: str, policy: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    header: str = PermissionsPolicyMiddleware.compute_header_value(
        {feature: list(origins) for feature, origins in policy},
        name=f"PAGE_POLICIES[{prefix!r}]",
    )
    return header


def permissions_header(path: str) -> str | None:
    """The Permissions-Policy header for this path, when its page declares features."""
    prefix = prefix_for(path)
    if prefix is None or not declared()[prefix].get("permissions"):
        return None
    policy = tuple(sorted((f, tuple(o)) for f, o in permissions(prefix).items()))
    return _permissions_header(prefix, policy)
