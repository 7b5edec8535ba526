"""
Deploy checks for what Django's own checks leave alone, judged by what a
browser or Django will really do with the value. docs/security.md lists
every id with what it stops.

Each rule reads the setting as Django reads it; a value that cannot be
read or imported is reported, never taken as safe.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import (  # type: ignore[attr-defined]  # stubs lack scrypt
    Argon2PasswordHasher,
    BCryptSHA256PasswordHasher,
    PBKDF2PasswordHasher,
    ScryptPasswordHasher,
)
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.core.signing import JSONSerializer
from django.utils.module_loading import import_string

from apps.core import cors_rules, secret_rules
from apps.core.checks import secret_key_problem
from apps.core.public_suffixes import icann_suffixes, public_suffixes

STRONG_HASHERS = (
    PBKDF2PasswordHasher,
    Argon2PasswordHasher,
    ScryptPasswordHasher,
    BCryptSHA256PasswordHasher,
)
# OWASP's floors (Password Storage Cheat Sheet); Django's defaults are above them.
PBKDF2_MIN_ITERATIONS = 600_000
ARGON2_MIN_MEMORY_KIB = 19 * 1024
SCRYPT_MIN_WORK_FACTOR = 2**14
# Referrer policies that never send a path to another site (the browser default
# is strict-origin-when-cross-origin); browsers obey the last one they know.
STRONG_REFERRER_POLICIES = frozenset(
    {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
)
KNOWN_REFERRER_POLICIES = STRONG_REFERRER_POLICIES | {
    "no-referrer-when-downgrade",
    "origin",
    "origin-when-cross-origin",
    "unsafe-url",
}
TLS_SSLMODES = frozenset({"require", "verify-ca", "verify-full"})
SIGNED_COOKIES = "django.contrib.sessions.backends.signed_cookies"


def _use_ssl() -> bool:
    return bool(getattr(settings, "USE_SSL", False))


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
        text = cors_rules.pattern_text(regex)[0]
        try:
            found = cors_rules.accepted_look_alikes(regex)
            http = cors_rules.accepts_plain_http(regex) if _use_ssl() else []
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
        widened = cors_rules.widened_urls(urls_regex, settings.ADMIN_URL) if cors_on else []
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


def _where(path: Path) -> str:
    return f"written in {path.relative_to(settings.BASE_DIR)}"


def _signing_keys_apply() -> bool:
    return not settings.DEBUG or _use_ssl()


@register(Tags.security)
def check_signing_keys(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if not _signing_keys_apply():
        return []
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # an empty key: bastion.E001 reports it
        key = ""
    fallbacks = [str(k) for k in getattr(settings, "SECRET_KEY_FALLBACKS", []) if k]
    messages: list[CheckMessage] = []
    # A missing or weak key is bastion.E001's; these rules judge keys that pass it.
    judged = key if secret_key_problem(key) is None else ""
    if judged and secret_rules.is_patterned(judged):
        messages.append(
            Error(
                "SECRET_KEY is patterned: a run of its characters repeats or counts up.",
                hint="Set SECRET_KEY to the output of `make secret-key` (Heroku generates one).",
                id="bastion.E020",
            )
        )
    public = secret_rules.files_containing([judged, *fallbacks], settings.BASE_DIR)
    if judged in public:
        messages.append(
            Error(
                f"SECRET_KEY is {_where(public[judged])}, a file shipped with the code: "
                "anyone with the repository can sign sessions.",
                hint="Generate a key with `make secret-key`; set it in the environment only.",
                id="bastion.E021",
            )
        )
    bad = [
        f"#{index} ({_where(public[k]) if k in public else 'patterned or weak'})"
        for index, k in enumerate(fallbacks)
        if k in public or secret_rules.is_patterned(k) or secret_key_problem(k) is not None
    ]
    if bad:
        messages.append(
            Error(
                f"SECRET_KEY_FALLBACKS holds keys anyone can guess or read: {', '.join(bad)}.",
                hint="Keep only retired random keys there, from the environment, then drop them.",
                id="bastion.E022",
            )
        )
    return messages


@register(Tags.security)
def check_debug_under_ssl(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if settings.DEBUG and _use_ssl():
        return [
            Error(
                "DEBUG is on while USE_SSL says this is a public HTTPS deployment: "
                "error pages would show code, settings and SQL to anyone.",
                hint="Set DEBUG=false (it is the default).",
                id="bastion.E023",
            )
        ]
    return []


def _wildcard_base(origin: str) -> str | None:
    host = origin.split("://", 1)[-1].split(":", maxsplit=1)[0]
    return host[2:] if host.startswith("*.") else ("" if host == "*" else None)


@register(Tags.security, deploy=True)
def check_hosts(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    hosts = [
        host
        for host in settings.ALLOWED_HOSTS
        if host == "*" or (host.startswith(".") and icann_suffixes().is_public(host[1:].lower()))
    ]
    if hosts:
        messages.append(
            Warning(
                f"ALLOWED_HOSTS accepts any host name: {', '.join(hosts)}.",
                hint=(
                    "Links in e-mails (password resets) are built from the Host header: "
                    "list your domains, or .herokuapp.com on Heroku."
                ),
                id="bastion.W024",
            )
        )
    origins = [
        origin
        for origin in settings.CSRF_TRUSTED_ORIGINS
        if (base := _wildcard_base(origin)) is not None
        and (not base or public_suffixes().is_public(base))
    ]
    if origins:
        messages.append(
            Warning(
                "CSRF_TRUSTED_ORIGINS trusts every site under a public suffix: "
                f"{', '.join(origins)}.",
                hint="Anyone can own a name under it: list your own origins exactly.",
                id="bastion.W025",
            )
        )
    return messages


def _hasher_weakness(path: str) -> str | None:
    try:
        hasher: Any = import_string(path)
    except ImportError:
        return "cannot be imported"
    if not (isinstance(hasher, type) and issubclass(hasher, STRONG_HASHERS)):
        return "is not PBKDF2, Argon2, scrypt or bcrypt-SHA256"
    tuned: Any = hasher  # the cost attributes differ from one hasher class to the next
    if issubclass(tuned, PBKDF2PasswordHasher) and tuned.iterations < PBKDF2_MIN_ITERATIONS:
        return f"runs {tuned.iterations} PBKDF2 iterations, fewer than {PBKDF2_MIN_ITERATIONS}"
    if issubclass(tuned, Argon2PasswordHasher) and tuned.memory_cost < ARGON2_MIN_MEMORY_KIB:
        return f"uses {tuned.memory_cost} KiB, less than {ARGON2_MIN_MEMORY_KIB}"
    if issubclass(tuned, ScryptPasswordHasher) and tuned.work_factor < SCRYPT_MIN_WORK_FACTOR:
        return f"has work factor {tuned.work_factor}, less than {SCRYPT_MIN_WORK_FACTOR}"
    return None


@register(Tags.security, deploy=True)
def check_passwords(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    hashers = list(settings.PASSWORD_HASHERS)
    weakness = _hasher_weakness(hashers[0]) if hashers else "is missing"
    if weakness:
        messages.append(
            Warning(
                f"The first of PASSWORD_HASHERS ({hashers[0] if hashers else 'none'}) {weakness}: "
                "new passwords are stored with it.",
                hint="Remove PASSWORD_HASHERS to use Django's default (PBKDF2-SHA256).",
                id="bastion.W026",
            )
        )
    if not settings.AUTH_PASSWORD_VALIDATORS:
        messages.append(
            Warning(
                "AUTH_PASSWORD_VALIDATORS is empty: any password is accepted, even 'a'.",
                hint="Keep Django's four validators (config/settings.py lists them).",
                id="bastion.W027",
            )
        )
    return messages


def _samesite_weak(value: Any) -> bool:
    return value in (None, False) or str(value).lower() == "none"


def _cookie_problems() -> Iterable[str]:
    cookies = [("SESSION_COOKIE", settings.SESSION_COOKIE_NAME)]
    if not settings.CSRF_USE_SESSIONS:
        cookies.append(("CSRF_COOKIE", settings.CSRF_COOKIE_NAME))
    for prefix, name in cookies:
        domain = getattr(settings, f"{prefix}_DOMAIN")
        path = getattr(settings, f"{prefix}_PATH")
        secure = getattr(settings, f"{prefix}_SECURE")
        if not name.startswith("__Host-"):
            yield f"{prefix}_NAME {name!r} lacks the __Host- prefix"
        elif domain or path != "/" or not secure:
            yield f"{prefix}_NAME {name!r} is refused by browsers: a Domain, a Path or no Secure"
        if _samesite_weak(getattr(settings, f"{prefix}_SAMESITE")):
            yield f"{prefix}_SAMESITE lets other sites send it"


@register(Tags.security, deploy=True)
def check_sessions(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    try:
        serializer = import_string(settings.SESSION_SERIALIZER)
        json_like = isinstance(serializer, type) and issubclass(serializer, JSONSerializer)
    except ImportError:
        json_like = False
    if not json_like:
        messages.append(
            Error(
                f"SESSION_SERIALIZER is {settings.SESSION_SERIALIZER}, not JSON: a serializer "
                "that rebuilds objects runs code from a forged session.",
                hint="Remove SESSION_SERIALIZER (Django's default is JSONSerializer).",
                id="bastion.E028",
            )
        )
    if settings.SESSION_ENGINE == SIGNED_COOKIES:
        messages.append(
            Warning(
                "Sessions are signed cookies: a stolen cookie stays valid after logout, "
                "and the key that signs it is all that guards the session's content.",
                hint="Use the database (Django's default SESSION_ENGINE) or the cache backend.",
                id="bastion.W029",
            )
        )
    problems = list(_cookie_problems()) if _use_ssl() else []
    if problems:
        messages.append(
            Warning(
                f"Under USE_SSL the cookies are weaker than they should be: {'; '.join(problems)}.",
                hint=(
                    "Keep __Host-sessionid and __Host-csrftoken with no Domain, Path=/ and "
                    "SameSite=Lax (config/settings.py, the USE_SSL block)."
                ),
                id="bastion.W030",
            )
        )
    return messages


def _referrer_policy() -> str | None:
    value = settings.SECURE_REFERRER_POLICY
    if value is None:
        return None
    tokens = value.split(",") if isinstance(value, str) else list(value)
    known = [
        token.strip().lower()
        for token in tokens
        if token.strip().lower() in KNOWN_REFERRER_POLICIES
    ]
    return known[-1] if known else "(none the browser knows)"


@register(Tags.security, deploy=True)
def check_headers(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    policy = _referrer_policy()
    if policy is not None and policy not in STRONG_REFERRER_POLICIES:
        messages.append(
            Warning(
                f"The Referrer-Policy browsers apply is {policy}: full URLs leak to other sites.",
                hint="Set SECURE_REFERRER_POLICY to 'same-origin' (or 'strict-origin').",
                id="bastion.W031",
            )
        )
    coop = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
    if coop is None or str(coop).lower() == "unsafe-none":
        messages.append(
            Warning(
                "Cross-Origin-Opener-Policy is unsafe-none: a page this site opens, or one "
                "that opens it, keeps a handle on its window.",
                hint="Set SECURE_CROSS_ORIGIN_OPENER_POLICY to 'same-origin'.",
                id="bastion.W032",
            )
        )
    return messages


@register(Tags.security, deploy=True)
def check_errors_and_limits(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if settings.DEBUG_PROPAGATE_EXCEPTIONS:
        messages.append(
            Warning(
                "DEBUG_PROPAGATE_EXCEPTIONS is on: errors skip the 500 page and Django's "
                "error logging, and reach the server as they are.",
                hint="Remove DEBUG_PROPAGATE_EXCEPTIONS (it is meant for tests).",
                id="bastion.W033",
            )
        )
    removed = [
        name
        for name in (
            "DATA_UPLOAD_MAX_MEMORY_SIZE",
            "DATA_UPLOAD_MAX_NUMBER_FIELDS",
            "DATA_UPLOAD_MAX_NUMBER_FILES",
        )
        if getattr(settings, name) is None
    ]
    if removed:
        messages.append(
            Warning(
                f"{', '.join(removed)} set to None: one request can fill the memory.",
                hint="Keep a limit; raise it for the one view that needs more.",
                id="bastion.W034",
            )
        )
    return messages


def _local_host(host: str) -> bool:
    """True for a host on this machine or its private network (a Compose service name)."""
    if not host or host.startswith("/") or host == "localhost" or "." not in host:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def databases_without_tls(databases: dict[str, dict[str, Any]]) -> list[str]:
    """The PostgreSQL connections that cross a network in the clear."""
    return [
        f"{alias} ({config.get('HOST')})"
        for alias, config in databases.items()
        if "postgis" in config.get("ENGINE", "") or "postgresql" in config.get("ENGINE", "")
        if not _local_host(str(config.get("HOST") or ""))
        and str((config.get("OPTIONS") or {}).get("sslmode", "")).lower() not in TLS_SSLMODES
    ]


@register(Tags.security, deploy=True)
def check_database_tls(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    plain = databases_without_tls(settings.DATABASES)
    if plain:
        return [
            Warning(
                f"PostgreSQL on a remote host without TLS: {', '.join(plain)}; the password "
                "and every row cross the network readable.",
                hint="Set DATABASE_SSL_REQUIRE=true (or ?sslmode=verify-full in DATABASE_URL).",
                id="bastion.W035",
            )
        ]
    return []
