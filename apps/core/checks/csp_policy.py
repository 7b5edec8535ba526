"""
The Content-Security-Policy as a browser reads it (W007, W008, W009, W012, W013, W014).

A browser takes the sources for an element from the most specific directive
there is (`script-src-elem`, then `script-src`, then `default-src`), reads
keywords case-insensitively, ignores `'unsafe-inline'` beside a nonce or a
hash, ignores host and scheme sources beside `'strict-dynamic'`, and never
lets `frame-ancestors`, `form-action` or `base-uri` fall back to
`default-src`. These rules judge one policy's DIRECTIVES the same way;
apps.core.checks.csp hands them the site's policy and the admin's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from csp.constants import NONCE
from django.core.checks import CheckMessage, Warning

from apps.core.checks.public_suffixes import public_suffixes

# Which directive the browser reads for each kind of content, most specific first.
FALLBACKS: dict[str, tuple[str, ...]] = {
    "script-src-elem": ("script-src-elem", "script-src", "default-src"),
    "script-src-attr": ("script-src-attr", "script-src", "default-src"),
    "style-src-elem": ("style-src-elem", "style-src", "default-src"),
    "style-src-attr": ("style-src-attr", "style-src", "default-src"),
    "object-src": ("object-src", "default-src"),
}
SCRIPT_KINDS = ("script-src-elem", "script-src-attr")
STYLE_KINDS = ("style-src-elem", "style-src-attr")
# Directives default-src does not cover: without them anything goes.
REQUIRED_DIRECTIVES = ("frame-ancestors", "object-src", "base-uri", "form-action")
# Directives that must not name every site.
NO_WILDCARD_DIRECTIVES = ("frame-ancestors", "form-action", "base-uri", "object-src")
SCHEME_SOURCES = {"*", "http:", "https:", "data:", "blob:", "filesystem:", "ws:", "wss:"}
# Hosts that serve JSONP endpoints or old AngularJS builds: an allowed host of
# these lets an injected tag run the attacker's script through it. A choice of
# the most used ones from Google's CSP Evaluator (allowlist_bypasses/).
GADGET_HOSTS = frozenset(
    {
        "accounts.google.com",
        "ajax.googleapis.com",
        "apis.google.com",
        "books.google.com",
        "cdn.jsdelivr.net",
        "cdnjs.cloudflare.com",
        "clients1.google.com",
        "code.angularjs.org",
        "cse.google.com",
        "gstatic.com",
        "www.gstatic.com",
        "googleads.g.doubleclick.net",
        "graph.facebook.com",
        "maps.google.com",
        "maps.googleapis.com",
        "oss.maxcdn.com",
        "pagead2.googlesyndication.com",
        "raw.githubusercontent.com",
        "storage.googleapis.com",
        "translate.googleapis.com",
        "unpkg.com",
        "www.google-analytics.com",
        "ssl.google-analytics.com",
        "www.google.com",
        "www.googleadservices.com",
        "www.googleapis.com",
        "www.googletagmanager.com",
        "www.youtube.com",
        "yastatic.net",
        "cdn.bootcss.com",
    }
)
HOST_SOURCE = re.compile(
    r"^(?:(?P<scheme>[a-z][a-z0-9+.-]*)://)?(?P<host>[^/:]+)(?::[^/]*)?(?:/.*)?$"
)


def sources(directives: dict[str, Any], name: str) -> list[str] | None:
    """The sources of one directive, lower-cased as browsers compare them; None when absent."""
    if name not in directives or directives[name] is None:
        return None
    value = directives[name]
    items: list[Any] = value.split() if isinstance(value, str) else list(value)
    return ["'nonce-'" if item is NONCE else str(item).lower() for item in items]


def effective(directives: dict[str, Any], kind: str) -> list[str] | None:
    """The sources a browser applies to this kind of content, after its fallbacks."""
    for name in FALLBACKS.get(kind, (kind,)):
        found = sources(directives, name)
        if found is not None:
            return found
    return None


def _has_nonce_or_hash(items: list[str]) -> bool:
    return any(item.startswith(("'nonce-", "'sha256-", "'sha384-", "'sha512-")) for item in items)


def _strict_dynamic(items: list[str]) -> bool:
    return "'strict-dynamic'" in items and _has_nonce_or_hash(items)


def unsafe_keywords(items: list[str], *, script: bool) -> set[str]:
    """The unsafe keywords a browser honours in these sources."""
    found = {"'unsafe-eval'"} & set(items) if script else set()
    ignored = _has_nonce_or_hash(items) or (script and "'strict-dynamic'" in items)
    if "'unsafe-inline'" in items and not ignored:
        found.add("'unsafe-inline'")
    return found


def host_of(source: str) -> str | None:
    """The host part of a host source, or None for keywords and schemes."""
    if source.startswith("'") or source in SCHEME_SOURCES or source.endswith(":"):
        return None
    match = HOST_SOURCE.match(source)
    return match.group("host") if match else None


def any_site(source: str) -> bool:
    """True for a source that every web site can satisfy."""
    host = host_of(source)
    scheme_only = source.endswith(":") and "://" not in source
    return source in SCHEME_SOURCES or scheme_only or host == "*"


def subdomain_wildcard(source: str) -> str | None:
    """`example.com` for `*.example.com` or `https://*.example.com`, else None."""
    host = host_of(source)
    return host[2:] if host and host.startswith("*.") else None


def shared_or_gadget(source: str) -> bool:
    """True for a host anyone can publish script on, or one known to serve gadgets."""
    host = host_of(source)
    if not host or host == "*":
        return False
    bare = host.removeprefix("*.")
    if public_suffixes().is_public(bare):
        return True
    return any(
        bare == gadget or (host.startswith("*.") and gadget.endswith("." + bare))
        for gadget in GADGET_HOSTS
    )


def _script_sources(directives: dict[str, Any]) -> Iterator[list[str]]:
    for kind in SCRIPT_KINDS:
        items = effective(directives, kind)
        if items is not None and not _strict_dynamic(items):
            yield items


def policy_findings(directives: dict[str, Any], where: str = "") -> Iterable[CheckMessage]:
    """Every weakness of one policy (its DIRECTIVES), as deploy warnings."""
    unsafe: set[str] = set()
    for kind in SCRIPT_KINDS + STYLE_KINDS:
        items = effective(directives, kind)
        if items is not None:
            unsafe |= unsafe_keywords(items, script=kind in SCRIPT_KINDS)
    scripts = [source for items in _script_sources(directives) for source in items]
    if effective(directives, "script-src-elem") is None:
        scripts.append("*")  # no script directive at all: every script loads
    if unsafe:
        yield Warning(
            f"The Content-Security-Policy{where} allows {' and '.join(sorted(unsafe))}.",
            hint="Move inline code to static files and load them with the per-request nonce.",
            id="bastion.W007",
        )
    # A plain-http host is as good as any site to whoever is on the network.
    wildcards = sorted({s for s in scripts if any_site(s) or s.startswith("http://")})
    if wildcards:
        yield Warning(
            f"The Content-Security-Policy{where} lets scripts load from {' '.join(wildcards)}.",
            hint="List the nonce with 'strict-dynamic', or 'self' and named hosts, in script-src.",
            id="bastion.W008",
        )
    missing = [name for name in REQUIRED_DIRECTIVES if effective(directives, name) is None]
    if missing:
        yield Warning(
            f"The Content-Security-Policy{where} lacks {', '.join(missing)}; "
            "default-src won't cover it.",
            hint="Set frame-ancestors, object-src, base-uri to 'none' and form-action to 'self'.",
            id="bastion.W009",
        )
    subdomains = sorted({source for source in scripts if subdomain_wildcard(source)})
    if subdomains:
        yield Warning(
            f"The Content-Security-Policy{where} lets scripts load from every subdomain: "
            f"{' '.join(subdomains)}.",
            hint="Name the exact hosts: one forgotten or taken-over subdomain runs script here.",
            id="bastion.W012",
        )
    gadgets = sorted({source for source in scripts if shared_or_gadget(source)})
    if gadgets:
        yield Warning(
            f"The Content-Security-Policy{where} trusts hosts that serve script gadgets "
            f"(JSONP, AngularJS) or anyone's files: {' '.join(gadgets)}.",
            hint="Serve those scripts yourself, or use the nonce with 'strict-dynamic'.",
            id="bastion.W013",
        )
    open_ = [
        f"{name} {source}"
        for name in NO_WILDCARD_DIRECTIVES
        for source in effective(directives, name) or []
        if any_site(source)
        or ((wildcard := subdomain_wildcard(source)) and public_suffixes().is_public(wildcard))
    ]
    if open_:
        yield Warning(
            f"The Content-Security-Policy{where} opens {', '.join(open_)} to any site.",
            hint=(
                "frame-ancestors overrides X-Frame-Options and form-action decides where forms "
                "post: set them to 'none' or 'self', or name the hosts."
            ),
            id="bastion.W014",
        )
