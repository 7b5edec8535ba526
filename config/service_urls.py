"""
Service URLs turned into Django's settings: DATABASE_URL, EMAIL_URL and ADMINS.

dj-database-url and dj-email-url do the parsing; this module keeps the project's
policy around them (the schemes it accepts, timeouts, TLS names). config/env.py
checks each value with these same functions, so a URL that loads also converts.
Errors never quote a URL: it may hold a password. Nothing here reads the
environment or imports from config.
"""

from __future__ import annotations

from collections.abc import Collection
from email.utils import getaddresses
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

import dj_database_url
import dj_email_url  # type: ignore[import-untyped]  # ships no type information

BASE_DIR = Path(__file__).resolve().parent.parent

# A database server that accepts connections but never answers would otherwise hold
# each request for psycopg's default of 130 s, far past the platform's 30 s router
# timeout. DATABASE_URL can set another value: ...?connect_timeout=10.
DATABASE_CONNECT_TIMEOUT = 5
# SQLite for development and tests, PostgreSQL (and PostGIS) in production.
DATABASE_SCHEMES = frozenset({"sqlite", "postgres", "postgresql", "pgsql", "postgis"})

# dj-email-url's schemes, and two that name TLS the way mail providers' guides do:
# smtp+tls is STARTTLS (port 587), smtps is TLS from the first byte (port 465, RFC 8314).
EMAIL_SCHEMES = frozenset({*dj_email_url.SCHEMES, "smtp+tls"}) - {"submit"}
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Without it a mail server that accepts the connection and never answers holds the
# request past the platform's 30 s router timeout. EMAIL_URL can say ?timeout=20.
EMAIL_TIMEOUT = 10
MAIL_BACKENDS_WITHOUT_URL = {
    "console": "django.core.mail.backends.console.EmailBackend",
    # Logs a warning for each message instead of failing the request that sends it.
    "not-sent": "apps.core.mail.NotSentEmailBackend",
}


def split_url(url: str, schemes: Collection[str]) -> SplitResult:
    """The URL's parts, once its scheme is one of `schemes` and its port is a number."""
    parts = urlsplit(url)
    if parts.scheme not in schemes:
        raise ValueError(f"unknown scheme {parts.scheme!r}")
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        raise ValueError("the port is not a number") from None
    return parts


def database_config(url: str, *, conn_max_age: int, ssl_require: bool) -> dict[str, Any]:
    """Turn DATABASE_URL into one entry of Django's DATABASES, through dj-database-url."""
    scheme = url.partition(":")[0]
    if scheme not in DATABASE_SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}")
    server = scheme != "sqlite"
    try:
        parsed = dj_database_url.parse(
            url,
            conn_max_age=conn_max_age if server else 0,
            conn_health_checks=server,
            ssl_require=ssl_require and server,
        )
    except ValueError:  # dj-database-url's ParseError: the message names no part of the URL
        raise ValueError("not a URL (percent-encode special characters in the password)") from None
    config: dict[str, Any] = dict(parsed)
    if not config["NAME"]:
        raise ValueError("the URL names no database")
    if server:
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    elif config["NAME"] != ":memory:":
        # sqlite:///relative.db is relative to the project, sqlite:////abs/path.db is absolute.
        config["NAME"] = BASE_DIR / config["NAME"]
    return config


def email_config(url: str) -> dict[str, Any]:
    """Turn EMAIL_URL into Django's EMAIL_* settings, with dj-email-url doing the parsing."""
    parts = split_url(url, EMAIL_SCHEMES)
    if parts.scheme == "smtp+tls":
        url = parts._replace(scheme="submission").geturl()
    elif parts.scheme == "smtps":
        # dj-email-url reads smtps as STARTTLS (and warns); ?ssl=true is its TLS switch.
        query = "&".join(filter(None, [parts.query, "ssl=true"]))
        netloc = parts.netloc if parts.port else f"{parts.netloc}:465"
        url = parts._replace(scheme="smtp", netloc=netloc, query=query).geturl()
    try:
        config: dict[str, Any] = dj_email_url.parse(url)
    except ValueError:
        raise ValueError("a query value is not understood (timeout: whole seconds)") from None
    if config["EMAIL_BACKEND"] == SMTP_BACKEND and not config["EMAIL_HOST"]:
        raise ValueError("an SMTP URL needs a host")
    if config["EMAIL_TIMEOUT"] is None:
        config["EMAIL_TIMEOUT"] = EMAIL_TIMEOUT
    return config


def mail_settings(url: str | None, *, debug: bool) -> dict[str, Any]:
    """Django's EMAIL_* settings: from EMAIL_URL, else the console with DEBUG on, else none."""
    if url is None:
        config = email_config("console://")
        config["EMAIL_BACKEND"] = MAIL_BACKENDS_WITHOUT_URL["console" if debug else "not-sent"]
    else:
        config = email_config(url)
    return {
        "EMAIL_BACKEND": config["EMAIL_BACKEND"],
        "EMAIL_HOST": config["EMAIL_HOST"] or "localhost",
        "EMAIL_PORT": config["EMAIL_PORT"] or 25,
        "EMAIL_HOST_USER": config["EMAIL_HOST_USER"] or "",
        "EMAIL_HOST_PASSWORD": config["EMAIL_HOST_PASSWORD"] or "",
        "EMAIL_USE_TLS": config["EMAIL_USE_TLS"],
        "EMAIL_USE_SSL": config["EMAIL_USE_SSL"],
        "EMAIL_TIMEOUT": config["EMAIL_TIMEOUT"],
        "EMAIL_FILE_PATH": config["EMAIL_FILE_PATH"],
    }


def admins(addresses: list[str]) -> list[tuple[str, str]]:
    """ADMINS as Django 5.2 wants it: (name, address) pairs."""
    return [(name, address) for name, address in getaddresses(addresses)]
