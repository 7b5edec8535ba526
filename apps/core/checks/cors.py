"""
CORS: which other sites may read the API (W002, W003, W004, W017, W018, W019).

Origin regexes are probed with the look-alike origins an attacker can
register. django-cors-headers allows an Origin when `re.match(regex, origin)` succeeds:
the match is anchored at the start only. For each regex the rules take the
origins it is meant to allow (the regex with every unescaped `.` read as a
literal dot, expanded by exrex) and try look-alikes of them against the real
regex: a longer name after the origin (no end anchor), a letter where a dot
was (an unescaped dot), a name glued in front (`attacker-example.com`), a
sibling under a public suffix (`attacker.herokuapp.com`), plain http, and
`null`. A look-alike counts when its registrable domain (the Public Suffix
List's "site") is none of the intended ones.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

import exrex
from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

from apps.core.checks.https import plain_http_origins
from apps.core.checks.public_suffixes import public_suffixes

ATTACKER = "attacker"
SAMPLES = 40


def pattern_text(regex: str | re.Pattern[str]) -> tuple[str, int]:
    if isinstance(regex, re.Pattern):
        return regex.pattern, regex.flags
    return regex, 0


def literal_dots(pattern: str) -> str:
    """The pattern with each unescaped `.` outside a character class made a literal dot."""
    out: list[str] = []
    escaped = in_class = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "." and not in_class:
            out.append("\\.")
            continue
        out.append(char)
    return "".join(out)


def intended_origins(pattern: str) -> list[str]:
    """A few origins the pattern is meant to allow."""
    try:
        generated = exrex.generate(literal_dots(pattern), limit=2)
        return [origin for origin in itertools.islice(generated, SAMPLES) if "://" in origin]
    except Exception:
        return []


def site(origin: str) -> str | None:
    """The registrable domain of an origin (`example.com` for https://a.example.com)."""
    host = urlsplit(origin).hostname or ""
    return public_suffixes().privatesuffix(host)


def look_alikes(origin: str) -> Iterable[str]:
    parts = urlsplit(origin)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    scheme = parts.scheme
    yield f"{origin}.{ATTACKER}.example"
    yield f"{origin}{ATTACKER}.example"
    for index, char in enumerate(host):
        if char == ".":
            yield f"{scheme}://{host[:index]}x{host[index + 1 :]}{port}"
    registrable = site(origin) or host
    yield f"{scheme}://{ATTACKER}{registrable}{port}"
    yield f"{scheme}://{ATTACKER}-{registrable}{port}"
    suffix = public_suffixes().publicsuffix(host) or ""
    if suffix:
        yield f"{scheme}://{ATTACKER}.{suffix}{port}"
        yield f"{scheme}://{ATTACKER}-bastion.{suffix}{port}"


def accepted_look_alikes(regex: str | re.Pattern[str]) -> list[str]:
    """Origins of other sites that this CORS regex accepts."""
    text, flags = pattern_text(regex)
    compiled = re.compile(text, flags)
    intended = intended_origins(text)
    sites = {site(origin) for origin in intended} - {None}
    found = ["null"] if compiled.match("null") else []
    if not intended and compiled.match(f"https://{ATTACKER}.example"):
        found.append(f"https://{ATTACKER}.example")
    for origin in intended:
        for probe in look_alikes(origin):
            if compiled.match(probe) and site(probe) not in sites and probe not in found:
                found.append(probe)
    return found


def accepts_plain_http(regex: str | re.Pattern[str]) -> list[str]:
    """Plain-http origins this regex accepts (it is meant for https ones, or for both)."""
    text, flags = pattern_text(regex)
    compiled = re.compile(text, flags)
    probes = [origin for origin in intended_origins(text) if origin.startswith("http://")]
    probes += ["http://" + origin.split("://", 1)[1] for origin in intended_origins(text)]
    return sorted({probe for probe in probes if compiled.match(probe)})


def widened_urls(urls_regex: Any, admin_url: str) -> list[str]:
    """Paths outside the API that CORS_URLS_REGEX opens to other origins."""
    text, flags = pattern_text(urls_regex)
    compiled = re.compile(text, flags)
    return [path for path in ("/", f"/{admin_url}", "/csp-report/") if compiled.match(path)]


@register(Tags.security, deploy=True)
def check_cors(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    allow_all = getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False) or getattr(
        settings, "CORS_ORIGIN_ALLOW_ALL", False
    )
    if allow_all:
        messages.append(
            Warning(
                "CORS_ALLOW_ALL_ORIGINS lets every web site read the API's responses.",
                hint="Remove CORS_ALLOW_ALL_ORIGINS and list origins in CORS_ALLOWED_ORIGINS.",
                id="bastion.W002",
            )
        )
    origins = list(getattr(settings, "CORS_ALLOWED_ORIGINS", []))
    insecure = [origin for origin in origins if urlsplit(origin).scheme != "https"]
    messages += plain_http_origins(
        "CORS_ALLOWED_ORIGINS",
        insecure,
        hint="A page served over plain HTTP can be altered in transit: list https:// only.",
        check_id="bastion.W003",
    )
    if getattr(settings, "CORS_ALLOW_CREDENTIALS", False) and (
        allow_all or any(_is_wildcard_like(regex) for regex in _regexes())
    ):
        messages.append(
            Warning(
                "CORS_ALLOW_CREDENTIALS is on with an origin pattern that matches any site.",
                hint="Anchor each regex (^https://app\\.example\\.com$) or turn credentials off.",
                id="bastion.W004",
            )
        )
    return messages


def _is_wildcard_like(pattern: str | re.Pattern[str]) -> bool:
    """True when a CORS origin regex would accept origins of unrelated sites."""
    try:
        return bool(accepted_look_alikes(pattern))
    except re.error:
        return True


def _regexes() -> list[Any]:
    return list(getattr(settings, "CORS_ALLOWED_ORIGIN_REGEXES", []))


@register(Tags.security, deploy=True)
def check_cors_regexes(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    loose: list[str] = []
    plain: list[str] = []
    for regex in _regexes():
        text = pattern_text(regex)[0]
        try:
            found = accepted_look_alikes(regex)
            http = accepts_plain_http(regex) if settings.USE_SSL else []
        except re.error as exc:
            found, http = [f"nothing: it does not compile ({exc})"], []
        if found:
            loose.append(f"{text!r} accepts {', '.join(found[:3])}")
        if http:
            plain.append(f"{text!r} accepts {', '.join(http[:2])}")
    if loose:
        messages.append(
            Warning(
                f"CORS_ALLOWED_ORIGIN_REGEXES lets other sites in: {'; '.join(loose)}.",
                hint=(
                    "Anchor both ends and escape each dot (^https://app\\.example\\.com$), "
                    "or list exact origins in CORS_ALLOWED_ORIGINS."
                ),
                id="bastion.W017",
            )
        )
    if plain:
        messages.append(
            Warning(
                f"CORS_ALLOWED_ORIGIN_REGEXES accepts plain-http origins under USE_SSL: "
                f"{'; '.join(plain)}.",
                hint="Start each regex with ^https:// so a page altered in transit is refused.",
                id="bastion.W018",
            )
        )
    cors_on = (
        getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False)
        or getattr(settings, "CORS_ALLOWED_ORIGINS", [])
        or _regexes()
    )
    urls_regex = getattr(settings, "CORS_URLS_REGEX", r"^.*$")
    try:
        widened = widened_urls(urls_regex, settings.ADMIN_URL) if cors_on else []
    except re.error as exc:
        widened = [f"(it does not compile: {exc})"]
    if widened:
        messages.append(
            Warning(
                "CORS_URLS_REGEX opens pages beyond the API to other origins: "
                f"{', '.join(widened)}.",
                hint="Keep CORS_URLS_REGEX = r'^/api/.*$' (or your API's own prefix).",
                id="bastion.W019",
            )
        )
    return messages
