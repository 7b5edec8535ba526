"""
The project's configuration, read once from the environment and `.env`.

Only config/settings.py imports this module; everything else reads
django.conf.settings. Every variable is listed in the README's table.

A bad value stops start-up with one line per variable that names it, shows
the value (never a secret's) and the form that is expected.
"""

from __future__ import annotations

import ipaddress
import json
import os
import sys
from email.utils import getaddresses, parseaddr
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn
from urllib.parse import parse_qsl, unquote, urlsplit

import dj_email_url  # type: ignore[import-untyped]  # ships no type information
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BASE_DIR = Path(__file__).resolve().parent.parent

# gunicorn reads exit status 3 from a worker as "failed to boot" and stops
# the master instead of respawning workers forever.
CONFIG_ERROR_EXIT_STATUS = 3

# A database server that accepts connections but never answers would otherwise hold
# each request for psycopg's default of 130 s, far past the platform's 30 s router
# timeout; after this many seconds the page fails with the 500 page instead.
# DATABASE_URL can set another value: ...?connect_timeout=10.
DATABASE_CONNECT_TIMEOUT = 5

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

StrList = Annotated[list[str], NoDecode]

# What each variable looks like when it is right, for the error line.
EXPECTED: dict[str, str] = {
    "SECRET_KEY": "a random string of 50 or more characters",
    "DEBUG": "true or false",
    "USE_SSL": "true or false",
    "ALLOWED_HOSTS": 'host names as a comma-separated list or a JSON list like ["a.example.com"]',
    "CSRF_TRUSTED_ORIGINS": "origins like https://a.example.com, comma-separated or a JSON list",
    "CORS_ALLOWED_ORIGINS": "origins like https://app.example.com, comma-separated or a JSON list",
    "CORS_ALLOW_CREDENTIALS": "true or false",
    "DATABASE_URL": "sqlite:///path/to/db.sqlite3 or postgres://user:password@host:5432/name",
    "DATABASE_CONN_MAX_AGE": "a whole number of seconds, 0 or more",
    "DATABASE_SSL_REQUIRE": "true or false",
    "LOG_LEVEL": "one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
    "LOG_FORMAT": "plain (level=... logger=... request_id=... message) or json",
    "ADMIN_URL": "a URL path ending in a slash, like admin/ or staff-7f3a/",
    "HSTS_STAGE": "one of " + ", ".join(HSTS_STAGES),
    "HSTS_INCLUDE_SUBDOMAINS": "true or false",
    "HSTS_PRELOAD": "true or false",
    "CSP_REPORT_ONLY_POLICY": "a CSP policy as a JSON object of directive to list of sources",
    "REDIS_URL": "redis://host:6379/0 or rediss://user:password@host:port (TLS)",
    "REDIS_SSL_CERT_REQS": "required or none (none only for a self-signed certificate)",
    "CACHE_KEY_PREFIX": "letters, digits, dots, dashes and underscores, at most 40",
    "AWS_STORAGE_BUCKET_NAME": "an S3 bucket name: 3 to 63 lowercase letters, digits, dots, dashes",
    "AWS_S3_ENDPOINT_URL": "an http(s) URL like https://s3.eu-central-1.example.com",
    "AWS_S3_REGION_NAME": "a region name like eu-west-1",
    "AWS_ACCESS_KEY_ID": "the access key id of the bucket's credentials",
    "AWS_SECRET_ACCESS_KEY": "the secret of the bucket's credentials",
    "AWS_QUERYSTRING_EXPIRE": "a whole number of seconds from 1 to 604800 (7 days)",
    "TASKS_BACKEND": "immediate or database",
    "EMAIL_URL": (
        "submission://user:password@smtp.example.com:587 (STARTTLS), "
        "smtps://user:password@smtp.example.com:465 (TLS) or console://"
    ),
    "DEFAULT_FROM_EMAIL": "an address like app@example.com or Name <app@example.com>",
    "SERVER_EMAIL": "an address like errors@example.com or Name <errors@example.com>",
    "ADMINS": "addresses like Ada <ada@example.com>, comma-separated or a JSON list",
    "SENTRY_DSN": "the DSN from your Sentry project's settings, https://KEY@o1.ingest.sentry.io/2",
    "SENTRY_ENVIRONMENT": "a short name like production or staging (letters, digits, . _ -)",
    "SENTRY_TRACES_SAMPLE_RATE": "a number from 0 (no performance traces) to 1 (every request)",
    "APP_RELEASE": "the deployed version, like a commit hash (letters, digits, . _ - + /)",
    "FORWARDED_ALLOW_IPS": "* or addresses and networks, comma-separated: 10.0.0.5,10.1.0.0/16",
    "LOGIN_FAILURE_LIMIT": "a whole number from 1 to 100",
    "LOGIN_LOCKOUT_MINUTES": "a whole number of minutes from 1 to 1440",
    "CSP_REPORTS_PER_MINUTE": "a whole number from 1 to 10000",
    "ADMIN_2FA": "true or false",
}

# Values never echoed back in an error line.
SECRET_VARIABLES = frozenset(
    {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "AWS_SECRET_ACCESS_KEY", "EMAIL_URL", "SENTRY_DSN"}
)

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


def _split_list(value: Any) -> Any:
    """Accept a JSON list (as Heroku config vars are often written) or a comma-separated string."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            raise ValueError("not a valid JSON list") from None
        if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed):
            raise ValueError("a JSON list must hold strings only")
        return [item.strip() for item in parsed if item.strip()]
    return [item.strip() for item in text.split(",") if item.strip()]


def _check_networks(entries: list[str]) -> list[str]:
    for entry in entries:
        if entry == "*":
            continue
        try:
            ipaddress.ip_network(entry)
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network") from None
    return entries


def _check_origins(origins: list[str]) -> list[str]:
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path not in {"", "/"}:
            raise ValueError(f"{origin!r} is not an origin (scheme://host[:port])")
    return [origin.rstrip("/") for origin in origins]


class Env(BaseSettings):
    """Every environment variable Bastion reads, with its type and default."""

    model_config = SettingsConfigDict(
        env_file=BASE_DIR / ".env",
        env_file_encoding="utf-8",
        # A .env shared with docker compose may hold variables meant for others.
        extra="ignore",
        case_sensitive=True,
    )

    SECRET_KEY: SecretStr | None = None
    DEBUG: bool = False
    ALLOWED_HOSTS: StrList = []
    USE_SSL: bool = False
    CSRF_TRUSTED_ORIGINS: StrList = []
    CORS_ALLOWED_ORIGINS: StrList = []
    CORS_ALLOW_CREDENTIALS: bool = False
    DATABASE_URL: SecretStr = SecretStr(f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    DATABASE_CONN_MAX_AGE: int = Field(default=600, ge=0)
    DATABASE_SSL_REQUIRE: bool = False
    LOG_LEVEL: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    LOG_FORMAT: Literal["plain", "json"] = Field(
        default="plain", description=EXPECTED["LOG_FORMAT"] + "; one line per record either way"
    )
    ADMIN_URL: str = Field(default="admin/", pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-/]*/$")
    HSTS_STAGE: Literal["off", "hour", "day", "week", "month", "year", "two-years"] = "hour"
    HSTS_INCLUDE_SUBDOMAINS: bool = False
    HSTS_PRELOAD: bool = False
    CSP_REPORT_ONLY_POLICY: Annotated[dict[str, list[str]] | None, NoDecode] = None
    # Shared cache (docs/heroku.md): local memory per process unless REDIS_URL is set.
    REDIS_URL: SecretStr | None = None
    REDIS_SSL_CERT_REQS: Literal["required", "none"] = "required"
    CACHE_KEY_PREFIX: str = Field(default="bastion", pattern=r"^[A-Za-z0-9._-]{0,40}$")
    # Uploads to S3-compatible storage when a bucket is named; local disk otherwise.
    AWS_STORAGE_BUCKET_NAME: str | None = Field(
        default=None, pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
    )
    AWS_S3_ENDPOINT_URL: str | None = None
    AWS_S3_REGION_NAME: str | None = Field(default=None, pattern=r"^[a-z0-9-]{2,32}$")
    AWS_ACCESS_KEY_ID: str | None = Field(default=None, pattern=r"^[A-Za-z0-9+/=_-]{4,128}$")
    AWS_SECRET_ACCESS_KEY: SecretStr | None = None
    AWS_QUERYSTRING_EXPIRE: int = Field(default=3600, ge=1, le=604800)
    # Background tasks: run in the request (immediate) or by the worker process (database).
    TASKS_BACKEND: Literal["immediate", "database"] = "immediate"
    EMAIL_URL: SecretStr | None = Field(
        default=None,
        description=EXPECTED["EMAIL_URL"] + "; unset: console with DEBUG on, else mail is not sent",
    )
    DEFAULT_FROM_EMAIL: str = Field(
        default="webmaster@localhost", description=EXPECTED["DEFAULT_FROM_EMAIL"]
    )
    SERVER_EMAIL: str = Field(default="root@localhost", description=EXPECTED["SERVER_EMAIL"])
    ADMINS: StrList = Field(default=[], description=EXPECTED["ADMINS"])
    SENTRY_DSN: SecretStr | None = Field(
        default=None, description=EXPECTED["SENTRY_DSN"] + "; unset: no error tracking"
    )
    SENTRY_ENVIRONMENT: str = Field(
        default="production",
        pattern=r"^[A-Za-z0-9._-]{1,64}$",
        description=EXPECTED["SENTRY_ENVIRONMENT"],
    )
    SENTRY_TRACES_SAMPLE_RATE: float = Field(
        default=0.0, ge=0.0, le=1.0, description=EXPECTED["SENTRY_TRACES_SAMPLE_RATE"]
    )
    # Heroku's HEROKU_BUILD_COMMIT / HEROKU_SLUG_COMMIT / SOURCE_VERSION are read by
    # sentry-sdk itself when this is unset; a Docker image bakes this one in at build.
    APP_RELEASE: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9._+/-]{1,200}$",
        description=EXPECTED["APP_RELEASE"] + "; unset: the platform's commit variable",
    )

    # gunicorn reads the same variable to decide whose X-Forwarded-* headers count.
    FORWARDED_ALLOW_IPS: StrList = ["127.0.0.1", "::1"]
    LOGIN_FAILURE_LIMIT: int = Field(default=5, ge=1, le=100)
    LOGIN_LOCKOUT_MINUTES: int = Field(default=15, ge=1, le=1440)
    CSP_REPORTS_PER_MINUTE: int = Field(default=30, ge=1, le=10000)
    ADMIN_2FA: bool = False

    _split = field_validator(
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "CORS_ALLOWED_ORIGINS",
        "ADMINS",
        "FORWARDED_ALLOW_IPS",
        mode="before",
    )(_split_list)

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

    @field_validator("CSRF_TRUSTED_ORIGINS", "CORS_ALLOWED_ORIGINS")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        return _check_origins(value)

    @field_validator("CSP_REPORT_ONLY_POLICY", mode="before")
    @classmethod
    def _json_object(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ValueError("not valid JSON") from None

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

    @field_validator("LOG_LEVEL", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("LOG_FORMAT", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("DATABASE_URL")
    @classmethod
    def _database_url(cls, value: SecretStr) -> SecretStr:
        database_config(value.get_secret_value(), conn_max_age=0, ssl_require=False)
        return value


def database_config(url: str, *, conn_max_age: int, ssl_require: bool) -> dict[str, Any]:
    """Turn DATABASE_URL into one entry of Django's DATABASES."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative.db and sqlite:////absolute/path.db, as SQLAlchemy writes them.
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise ValueError("a sqlite URL needs a file path")
        file = Path(path) if Path(path).is_absolute() else BASE_DIR / path
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": file}
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name or not parts.hostname:
            raise ValueError("a postgres URL needs a host and a database name")
        try:
            port = parts.port
        except ValueError:
            raise ValueError("the port is not a number") from None
        options: dict[str, Any] = dict(parse_qsl(parts.query))
        options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
        if ssl_require:
            options["sslmode"] = "require"
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname,
            "PORT": port or "",
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ValueError(f"unknown scheme {parts.scheme!r}")


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


def _describe(error: Any, source: dict[str, str]) -> str:
    name = str(error["loc"][0]) if error["loc"] else "configuration"
    expected = EXPECTED.get(name, "a valid value")
    reason = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    hidden = name in SECRET_VARIABLES or name not in source
    shown = "" if hidden else f"={source[name]!r}"
    return f"Configuration error: {name}{shown} is invalid ({reason}); expected {expected}."


def fail(lines: list[str]) -> NoReturn:
    """Print each line to stderr and stop with the status gunicorn treats as a boot error."""
    for line in lines:
        print(line, file=sys.stderr)
    raise SystemExit(CONFIG_ERROR_EXIT_STATUS)


def load() -> Env:
    """Read the configuration, or stop the process with a readable message."""
    env_file = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
    try:
        return Env(_env_file=env_file or None)
    except ValidationError as exc:
        source = {**_dotenv_values(env_file), **os.environ}
        fail([_describe(error, source) for error in exc.errors()])


def _dotenv_values(path: str) -> dict[str, str]:
    from dotenv import dotenv_values  # a pydantic-settings dependency

    if not path or not Path(path).is_file():
        return {}
    return {key: value for key, value in dotenv_values(path).items() if value is not None}
