"""
The project's configuration, read once from the environment and `.env`.

Only config/settings.py imports this module; everything else reads
django.conf.settings. Every variable is listed in the README's table. A bad
value stops start-up with one line per variable: its name, its value (never
for a SecretStr field) and its Field description, the form that is expected.
"""

from __future__ import annotations

import ipaddress
import json
import os
import sys
from email.utils import getaddresses, parseaddr
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn, get_args
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url  # type: ignore[import-untyped]  # ships no type information
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    Json,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BASE_DIR = Path(__file__).resolve().parent.parent

# gunicorn reads exit status 3 from a worker as "failed to boot" and stops
# the master instead of respawning workers forever.
CONFIG_ERROR_EXIT_STATUS = 3

# A database server that accepts connections but never answers would otherwise hold
# each request for psycopg's default of 130 s, far past the platform's 30 s router
# timeout. DATABASE_URL can set another value: ...?connect_timeout=10.
DATABASE_CONNECT_TIMEOUT = 5
# SQLite for development and tests, PostgreSQL (and PostGIS) in production.
DATABASE_SCHEMES = frozenset({"sqlite", "postgres", "postgresql", "pgsql", "postgis"})

# The HSTS stages an operator walks through, one environment value each.
HSTS_STAGES: dict[str, int] = {
    "off": 0,
    "hour": 3600,
    "day": 86400,
    "week": 604800,
    "month": 2592000,
    "year": 31536000,
    "two-years": 63072000,
}

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


def _split(value: Any) -> Any:
    """A JSON list (as Heroku config vars are often written) or a comma-separated string."""
    if isinstance(value, str) and value.lstrip().startswith("["):
        return json.loads(value)  # a JSONDecodeError is a ValueError: one error line
    if isinstance(value, str):
        return [item for item in value.split(",") if item.strip()]
    return value


def _origins(origins: list[str]) -> list[str]:
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path not in {"", "/"}:
            raise ValueError(f"{origin!r} is not an origin (scheme://host[:port])")
    return [origin.rstrip("/") for origin in origins]


def _check_networks(entries: list[str]) -> list[str]:
    for entry in entries:
        if entry == "*":
            continue
        try:
            ipaddress.ip_network(entry)
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network") from None
    return entries


def _database_url(url: SecretStr) -> SecretStr:
    database_config(url.get_secret_value(), conn_max_age=0, ssl_require=False)
    return url


# Types for the variables a plain annotation cannot parse.
StrList = Annotated[list[str], NoDecode, BeforeValidator(_split)]
Origins = Annotated[StrList, AfterValidator(_origins)]
DatabaseURL = Annotated[SecretStr, AfterValidator(_database_url)]
JSONObject = Annotated[
    Json[dict[str, list[str]]] | None, NoDecode, BeforeValidator(lambda value: value or None)
]
LogLevel = Annotated[
    Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], BeforeValidator(str.upper)
]
BOOL = "true or false"
ORIGINS = "origins like https://{}.example.com, comma-separated or a JSON list"


class Env(BaseSettings):
    """Every environment variable Bastion reads: its type, its default, what it looks like."""

    model_config = SettingsConfigDict(
        env_file=BASE_DIR / ".env",
        env_file_encoding="utf-8",
        # A .env shared with docker compose may hold variables meant for others.
        extra="ignore",
        case_sensitive=True,
        str_strip_whitespace=True,
    )

    SECRET_KEY: SecretStr | None = Field(None, description="a random string of 50+ characters")
    DEBUG: bool = Field(False, description=BOOL)
    ALLOWED_HOSTS: StrList = Field([], description="host names, comma-separated or a JSON list")
    USE_SSL: bool = Field(False, description=BOOL)
    CSRF_TRUSTED_ORIGINS: Origins = Field([], description=ORIGINS.format("a"))
    CORS_ALLOWED_ORIGINS: Origins = Field([], description=ORIGINS.format("app"))
    CORS_ALLOW_CREDENTIALS: bool = Field(False, description=BOOL)
    DATABASE_URL: DatabaseURL = Field(
        SecretStr("sqlite:///db.sqlite3"),
        description="sqlite:///path/to/db.sqlite3 or postgres://user:password@host:5432/name",
    )
    DATABASE_CONN_MAX_AGE: int = Field(600, ge=0, description="whole seconds, 0 or more")
    DATABASE_SSL_REQUIRE: bool = Field(False, description=BOOL)
    LOG_LEVEL: LogLevel = Field("INFO", description="one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
    LOG_FORMAT: Literal["plain", "json"] = Field(
        default="plain",
        description="plain (level=... logger=... request_id=... message) or json"
        + "; one line per record either way",
    )
    ADMIN_URL: str = Field(
        "admin/",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-/]*/$",
        description="a URL path ending in a slash, like admin/ or staff-7f3a/",
    )
    HSTS_STAGE: Literal["off", "hour", "day", "week", "month", "year", "two-years"] = Field(
        "hour", description="one of " + ", ".join(HSTS_STAGES)
    )
    HSTS_INCLUDE_SUBDOMAINS: bool = Field(False, description=BOOL)
    HSTS_PRELOAD: bool = Field(False, description=BOOL)
    CSP_REPORT_ONLY_POLICY: JSONObject = Field(
        None, description="a CSP policy as a JSON object of directive to list of sources"
    )
    # Shared cache (docs/heroku.md): local memory per process unless REDIS_URL is set.
    REDIS_URL: SecretStr | None = Field(
        None, description="redis://host:6379/0 or rediss://user:password@host:port (TLS)"
    )
    REDIS_SSL_CERT_REQS: Literal["required", "none"] = Field(
        "required", description="required or none (none only for a self-signed certificate)"
    )
    CACHE_KEY_PREFIX: str = Field(
        default="bastion",
        pattern=r"^[A-Za-z0-9._-]{0,40}$",
        description="letters, digits, dots, dashes and underscores, at most 40",
    )
    # Uploads to S3-compatible storage when a bucket is named; local disk otherwise.
    AWS_STORAGE_BUCKET_NAME: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        description="an S3 bucket name: 3 to 63 lowercase letters, digits, dots, dashes",
    )
    AWS_S3_ENDPOINT_URL: str | None = Field(
        None, description="an http(s) URL like https://s3.eu-central-1.example.com"
    )
    AWS_S3_REGION_NAME: str | None = Field(
        default=None, pattern=r"^[a-z0-9-]{2,32}$", description="a region name like eu-west-1"
    )
    AWS_ACCESS_KEY_ID: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9+/=_-]{4,128}$",
        description="the access key id of the bucket's credentials",
    )
    AWS_SECRET_ACCESS_KEY: SecretStr | None = Field(
        None, description="the secret of the bucket's credentials"
    )
    AWS_QUERYSTRING_EXPIRE: int = Field(
        default=3600,
        ge=1,
        le=604800,
        description="a whole number of seconds from 1 to 604800 (7 days)",
    )
    # Background tasks: run in the request (immediate) or by the worker process (database).
    TASKS_BACKEND: Literal["immediate", "database"] = Field(
        "immediate", description="immediate or database"
    )
    EMAIL_URL: SecretStr | None = Field(
        default=None,
        description=(
            "submission://user:password@smtp.example.com:587 (STARTTLS), "
            "smtps://user:password@smtp.example.com:465 (TLS) or console://"
        )
        + "; unset: console with DEBUG on, else mail is not sent",
    )
    DEFAULT_FROM_EMAIL: str = Field(
        default="webmaster@localhost",
        description="an address like app@example.com or Name <app@example.com>",
    )
    SERVER_EMAIL: str = Field(
        default="root@localhost",
        description="an address like errors@example.com or Name <errors@example.com>",
    )
    ADMINS: StrList = Field(
        default=[],
        description="addresses like Ada <ada@example.com>, comma-separated or a JSON list",
    )
    SENTRY_DSN: SecretStr | None = Field(
        default=None,
        description="the DSN from your Sentry project's settings, https://KEY@o1.ingest.sentry.io/2"
        + "; unset: no error tracking",
    )
    SENTRY_ENVIRONMENT: str = Field(
        default="production",
        pattern=r"^[A-Za-z0-9._-]{1,64}$",
        description="a short name like production or staging (letters, digits, . _ -)",
    )
    SENTRY_TRACES_SAMPLE_RATE: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="a number from 0 (no performance traces) to 1 (every request)",
    )
    # Heroku's HEROKU_BUILD_COMMIT / HEROKU_SLUG_COMMIT / SOURCE_VERSION are read by
    # sentry-sdk itself when this is unset; a Docker image bakes this one in at build.
    APP_RELEASE: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9._+/-]{1,200}$",
        description="the deployed version, like a commit hash (letters, digits, . _ - + /)"
        + "; unset: the platform's commit variable",
    )

    # gunicorn reads the same variable to decide whose X-Forwarded-* headers count.
    FORWARDED_ALLOW_IPS: StrList = Field(
        ["127.0.0.1", "::1"],
        description="* or addresses and networks, comma-separated: 10.0.0.5,10.1.0.0/16",
    )
    LOGIN_FAILURE_LIMIT: int = Field(5, ge=1, le=100, description="a whole number from 1 to 100")
    LOGIN_LOCKOUT_MINUTES: int = Field(
        15, ge=1, le=1440, description="a whole number of minutes from 1 to 1440"
    )
    CSP_REPORTS_PER_MINUTE: int = Field(
        30, ge=1, le=10000, description="a whole number from 1 to 10000"
    )
    ADMIN_2FA: bool = Field(False, description=BOOL)
    # Proxies in front of the app that each append to X-Forwarded-For (a CDN before
    # the platform's router: 2); the client is the entry that many places from the end.
    FORWARDED_HOPS: int = Field(1, ge=1, le=5, description="a whole number from 1 to 5")

    @field_validator("FORWARDED_ALLOW_IPS")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        return _check_networks(value)

    @field_validator("EMAIL_URL")
    @classmethod
    def _email_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            email_config(value.get_secret_value())
        return value

    @field_validator("SENTRY_DSN")
    @classmethod
    def _sentry_dsn(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parts = urlsplit(value.get_secret_value())
            if parts.scheme not in {"http", "https"} or not parts.username or not parts.hostname:
                raise ValueError("a DSN is https://KEY@HOST/PROJECT")
            try:
                parts.port  # noqa: B018  (raises on a port that is not a number)
            except ValueError:
                raise ValueError("the port is not a number") from None
            if not parts.path.rsplit("/", 1)[-1].isdigit():
                raise ValueError("the DSN must end in the project's number")
        return value

    @field_validator("DEFAULT_FROM_EMAIL", "SERVER_EMAIL")
    @classmethod
    def _address(cls, value: str) -> str:
        _check_address(value)
        return value

    @field_validator("ADMINS")
    @classmethod
    def _admins(cls, value: list[str]) -> list[str]:
        for address in value:
            _check_address(address)
        return value

    @field_validator(
        "EMAIL_URL",
        "SENTRY_DSN",
        "APP_RELEASE",
        "REDIS_URL",
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_S3_ENDPOINT_URL",
        "AWS_S3_REGION_NAME",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        """`NAME=` in .env or a config var left blank means the variable is not set."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("REDIS_URL")
    @classmethod
    def _redis_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parts = urlsplit(value.get_secret_value())
            if parts.scheme not in {"redis", "rediss"}:
                raise ValueError(f"unknown scheme {parts.scheme!r}")
            try:
                parts.port  # noqa: B018  (raises on a port that is not a number)
            except ValueError:
                raise ValueError("the port is not a number") from None
            if not parts.hostname:
                raise ValueError("a redis URL needs a host")
        return value

    @field_validator("AWS_S3_ENDPOINT_URL")
    @classmethod
    def _endpoint_url(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme not in {"http", "https"} or not parts.hostname:
                raise ValueError("not an http(s) URL with a host")
        return value

    @field_validator("LOG_FORMAT", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value


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
    """Turn EMAIL_URL into Django's EMAIL_* settings, with dj-email-url doing the parsing.

    Errors never quote the URL: it holds the mail account's password.
    """
    parts = urlsplit(url)
    if parts.scheme not in EMAIL_SCHEMES:
        raise ValueError(f"unknown scheme {parts.scheme!r}")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the port is not a number") from None
    if parts.scheme == "smtp+tls":
        url = parts._replace(scheme="submission").geturl()
    elif parts.scheme == "smtps":
        # dj-email-url reads smtps as STARTTLS (and warns); ?ssl=true is its TLS switch.
        query = "&".join(filter(None, [parts.query, "ssl=true"]))
        netloc = parts.netloc if port else f"{parts.netloc}:465"
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


def _check_address(value: str) -> None:
    from django.core.exceptions import ValidationError as DjangoValidationError
    from django.core.validators import validate_email

    _, address = parseaddr(value)
    try:
        validate_email(address)
    except DjangoValidationError:
        raise ValueError(f"{value!r} is not an email address") from None
    # Line breaks in a header value would let it add headers of its own.
    if any(char in value for char in "\r\n"):
        raise ValueError("an address must be one line")


def error_lines(exc: ValidationError, model: type[BaseSettings]) -> list[str]:
    """One line per bad variable, with the expected form from its Field description."""
    lines: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "configuration"
        field = model.model_fields.get(name)
        secret = field is not None and SecretStr in (field.annotation, *get_args(field.annotation))
        shown = "" if secret or len(error["loc"]) != 1 else f"={error['input']!r}"
        reason = error["msg"].removeprefix("Value error, ")
        expected = field.description if field and field.description else "a valid value"
        line = f"Configuration error: {name}{shown} is invalid ({reason}); expected {expected}."
        lines.setdefault(name, line)
    return list(lines.values())


def fail(lines: list[str]) -> NoReturn:
    """Print each line to stderr and stop with the status gunicorn treats as a boot error."""
    for line in lines:
        print(line, file=sys.stderr)
    raise SystemExit(CONFIG_ERROR_EXIT_STATUS)


def load() -> Env:
    """Read the configuration, or stop the process with one line per bad variable."""
    env_file = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
    try:
        return Env(_env_file=env_file or None)
    except ValidationError as exc:
        fail(error_lines(exc, Env))
