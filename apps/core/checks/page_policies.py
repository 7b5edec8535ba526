"""
Deploy checks for PAGE_POLICIES: each page's widened policy, judged as the site's is.

A page's Content-Security-Policy is the site's with the page's sources added
(apps/core/page_policies.py); it goes through the same rules as the site's
(apps/core/checks/csp_policy.py), and each weakness it has that the site's policy does
not is reported with the page's prefix. The sources a page adds are also
judged where those rules do not look (frames, connections, images): no source
may let every site, every subdomain, a shared host or plain HTTP in.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from apps.core import page_policies
from apps.core.checks import csp_policy
from apps.core.checks.public_suffixes import public_suffixes
from apps.core.middleware import CSPMiddleware, PagePermissionsPolicyMiddleware

KEYS = {"csp", "permissions"}
# Inline images and media (a chart, a preview of a chosen file) run no code.
INERT_SCHEMES = {"img-src": {"data:", "blob:"}, "media-src": {"data:", "blob:"}}
# The directives of CSP Level 3 and Trusted Types; django-csp drops any other name silently.
DIRECTIVES = {
    "base-uri", "child-src", "connect-src", "default-src", "fenced-frame-src", "font-src",
    "form-action", "frame-ancestors", "frame-src", "img-src", "manifest-src", "media-src",
    "object-src", "require-trusted-types-for", "sandbox", "script-src", "script-src-attr",
    "script-src-elem", "style-src", "style-src-attr", "style-src-elem", "trusted-types",
    "upgrade-insecure-requests", "worker-src",
}  # fmt: skip


def _is_source_list(value: Any) -> bool:
    return isinstance(value, list | tuple) and all(isinstance(item, str) for item in value)


def _shape_errors(prefix: Any, entry: Any) -> Iterator[str]:
    if not isinstance(prefix, str) or not prefix.startswith("/"):
        yield f"{prefix!r} is not a URL path prefix starting with /"
        return
    if not isinstance(entry, dict) or not set(entry) <= KEYS:
        yield f"{prefix!r} must map to a dict with 'csp' and/or 'permissions'"
        return
    for key in KEYS & set(entry):
        table = entry[key]
        if not isinstance(table, dict) or not all(map(_is_source_list, table.values())):
            yield f"{prefix!r}[{key!r}] must map names to lists of strings"


def _unsafe_source(source: str) -> str | None:
    """Why one added source lets too much in, or None."""
    lowered = source.lower()
    host = csp_policy.host_of(lowered)
    if csp_policy.any_site(lowered):
        return "every site"
    if lowered.startswith("http://"):
        return "plain HTTP"
    if csp_policy.subdomain_wildcard(lowered):
        return "every subdomain"
    if host and public_suffixes().is_public(host):
        return "a shared host"
    return None


def _admin_directives(site: dict[str, Any]) -> dict[str, Any]:
    """The admin's policy: the site's with the admin's replacements."""
    admin = {**site, **getattr(settings, "ADMIN_CONTENT_SECURITY_POLICY_DIRECTIVES", {})}
    return {name: value for name, value in admin.items() if value is not None}


def _covers_admin(prefix: str) -> bool:
    admin = "/" + str(getattr(settings, "ADMIN_URL", "admin/"))
    return admin.startswith(prefix) or prefix.startswith(admin)


def _page_findings(
    prefix: str, site: dict[str, Any], site_ids: set[str | None]
) -> Iterator[Warning]:
    additions = page_policies.declared()[prefix].get("csp", {})
    # Pages under the admin's URL send the admin's policy with the additions.
    bases = [site, _admin_directives(site)] if _covers_admin(prefix) else [site]
    findings = {
        finding.msg: finding
        for base in bases
        for finding in csp_policy.policy_findings(
            page_policies.with_additions(base, additions),
            where=f" of the pages under {prefix}",
        )
    }
    for finding in findings.values():
        if finding.id not in site_ids:
            yield Warning(
                f"PAGE_POLICIES: {finding.msg} (the site's rule {finding.id})",
                hint=finding.hint,
                obj=prefix,
                id="bastion.W200",
            )
    for name, added in sorted(additions.items()):
        for source in added:
            if source.lower() in INERT_SCHEMES.get(name, set()):
                continue
            if (why := _unsafe_source(source)) is not None:
                yield Warning(
                    f"PAGE_POLICIES lets {why} into {name} of the pages under {prefix}: {source}.",
                    hint="Name the widget's exact https:// origin (e.g. https://js.pay.example).",
                    obj=prefix,
                    id="bastion.W201",
                )
        if name not in DIRECTIVES:
            yield Warning(
                f"PAGE_POLICIES names {name!r} for the pages under {prefix}, which no browser "
                "knows; django-csp drops it.",
                hint="Use a CSP directive name such as frame-src or connect-src.",
                obj=prefix,
                id="bastion.W204",
            )


def _permissions_findings(prefix: str) -> Iterator[CheckMessage]:
    features = page_policies.declared()[prefix].get("permissions", {})
    try:
        page_policies.permissions_header(prefix)
    except ImproperlyConfigured as error:
        yield Error(
            f"PAGE_POLICIES[{prefix!r}]: {error}; every page under it would fail.",
            hint="Use a feature name django-permissions-policy knows, such as payment or camera.",
            obj=prefix,
            id="bastion.E061",
        )
    for feature, origins in sorted(features.items()):
        if "*" in origins:
            yield Warning(
                f"PAGE_POLICIES allows {feature} to every origin on the pages under {prefix}.",
                hint='List the origins: ["self", "https://js.pay.example"].',
                obj=prefix,
                id="bastion.W203",
            )


def _middleware_missing() -> list[str]:
    wanted: set[type] = {CSPMiddleware, PagePermissionsPolicyMiddleware}
    found: set[type] = set()
    for path in settings.MIDDLEWARE:
        try:
            middleware = import_string(path)
        except ImportError:
            continue
        found |= {w for w in wanted if isinstance(middleware, type) and issubclass(middleware, w)}
    return sorted(f"{w.__module__}.{w.__name__}" for w in wanted - found)


@register(Tags.security, deploy=True)
def check_page_policies(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    declared = page_policies.declared()
    if not declared:
        return []
    shape = [error for prefix, entry in declared.items() for error in _shape_errors(prefix, entry)]
    if shape:
        return [
            Error(
                f"PAGE_POLICIES is malformed: {'; '.join(shape)}.",
                hint='{"/checkout/": {"csp": {"frame-src": ["https://js.pay.example"]}}}',
                id="bastion.E060",
            )
        ]
    messages: list[CheckMessage] = []
    missing = _middleware_missing()
    if missing:
        messages.append(
            Warning(
                f"PAGE_POLICIES is declared but MIDDLEWARE lacks {', '.join(missing)}: "
                "the pages never get the sources declared for them.",
                hint="Keep the project's CSP and Permissions-Policy middleware in MIDDLEWARE.",
                id="bastion.W202",
            )
        )
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    site = policy.get("DIRECTIVES", {})
    site_ids = {message.id for message in csp_policy.policy_findings(site)}
    for prefix in sorted(declared):
        messages += [*_page_findings(prefix, site, site_ids), *_permissions_findings(prefix)]
    return messages
