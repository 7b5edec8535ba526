"""
The project's configuration, read once from the environment and `.env`.

Only config/settings.py imports this module; everything else reads
django.conf.settings. Every variable is listed in the README's table. Each
rule is part of a field's type below, so the table says all there is to know
about a variable. A bad value stops start-up with one line per variable
(config/boot.py): its name, its value (never for a SecretStr field) and its
Field description, the form that is expected.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from collections.abc import Callable, Collection
from email.utils import parseaddr
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field, Json, SecretStr, ValidationError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from config import boot, service_urls

BASE_DIR = service_urls.BASE_DIR

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


# A JSON list of strings opens with `["` or is `[]`; `[::1]` is an IPv6 host, not JSON.
JSON_LIST = re.compile(r"\s*\[\s*[\]\"]")


def _split(value: Any) -> Any:
    """A JSON list (as Heroku config vars are often written) or a comma-separated string."""
    if isinstance(value, str) and JSON_LIST.match(value):
        return json.loads(value)  # a JSONDecodeError is a ValueError: one error line
    if isinstance(value, str):
        return [item for item in value.split(",") if item.strip()]
    return value


def _empty_is_unset(value: Any) -> Any:
    """`NAME=` in .env or a config var left blank means the variable is not set."""
    return None if isinstance(value, str) and not value.strip() else value


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _one_of(choices: Collection[str]) -> AfterValidator:
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(f"{value!r} is not a choice")
        return value

    return AfterValidator(check)


def _each(check: Callable[[str], object]) -> AfterValidator:
    def check_all(values: list[str]) -> list[str]:
        for value in values:
            check(value)
        return values

    return AfterValidator(check_all)


def _secret(check: Callable[[str], object]) -> AfterValidator:
    """Check a secret's value; the check's errors never quote it."""

    def check_secret(value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            check(value.get_secret_value())
        return value

    return AfterValidator(check_secret)


def _origins(origins: list[str]) -> list[str]:
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path not in {"", "/"}:
            raise ValueError(f"{origin!r} is not an origin (scheme://host[:port])")
    return [origin.rstrip("/") for origin in origins]


# A name Django's ALLOWED_HOSTS can match: labels of letters, digits and dashes, or an
# IPv4 address; a leading dot also matches every subdomain.
HOST_NAME = re.compile(r"\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*", re.I)


def _is_host(entry: str) -> bool:
    if entry == "*" or HOST_NAME.fullmatch(entry):
        return True
    # Django compares an IPv6 host with its brackets, as the Host header carries it.
    if not (entry.startswith("[") and entry.endswith("]")):
        return False
    try:
        ipaddress.IPv6Address(entry[1:-1])
    except ValueError:
        return False
    return True


def _host(entry: str) -> None:
    """An entry with a scheme, path or port matches no request: Django answers 400 to all."""
    if _is_host(entry):
        return
    meant = _host_meant(entry)
    fix = f"; write {meant}" if meant else ""
    raise ValueError(f"{entry!r} is not a host name or pattern{fix}")


def _host_meant(entry: str) -> str | None:
    """The entry an operator most likely meant, when the value holds a valid one."""
    if entry.startswith("*."):  # Django's wildcard for subdomains is a leading dot
        return entry[1:]
    try:
        return f"[{ipaddress.IPv6Address(entry)}]"
    except ValueError:
        pass
    try:
        host = urlsplit(entry if "//" in entry else f"//{entry}").hostname
    except ValueError:
        return None
    if host and ":" in host:
        host = f"[{host}]"
    host = host.rstrip(".") if host else None
    return host if host and _is_host(host) else None


def _network(entry: str) -> None:
    if entry == "*":
        return
    try:
        ipaddress.ip_network(entry)
    except ValueError:
        raise ValueError(f"{entry!r} is not an IP address or network") from None


def _address(value: str) -> str:
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
    return value


def _http_url(value: str | None) -> str | None:
    if value is not None:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError("not an http(s) URL with a host")
    return value


def _database_url(url: str) -> None:
    service_urls.database_config(url, conn_max_age=0, ssl_require=False)


def _redis_url(url: str) -> None:
    if not service_urls.split_url(url, {"redis", "rediss"}).hostname:
        raise ValueError("a redis URL needs a host")


def _sentry_dsn(dsn: str) -> None:
    parts = service_urls.split_url(dsn, {"http", "https"})
    if not parts.username or not parts.hostname:
        raise ValueError("a DSN is https://KEY@HOST/PROJECT")
    if not parts.path.rsplit("/", 1)[-1].isdigit():
        raise ValueError("the DSN must end in the project's number")


# The types of the table: each carries its rules, for every field that has it.
EmptyIsUnset = BeforeValidator(_empty_is_unset)
OptionalStr = Annotated[str | None, EmptyIsUnset]
OptionalSecret = Annotated[SecretStr | None, EmptyIsUnset]
StrList = Annotated[list[str], NoDecode, BeforeValidator(_split)]
Origins = Annotated[StrList, AfterValidator(_origins)]
Hosts = Annotated[StrList, _each(_host)]
Networks = Annotated[StrList, _each(_network)]
Address = Annotated[str, AfterValidator(_address)]
Addresses = Annotated[StrList, _each(_address)]
HttpURL = Annotated[OptionalStr, AfterValidator(_http_url)]
DatabaseURL = Annotated[SecretStr, _secret(_database_url)]
RedisURL = Annotated[OptionalSecret, _secret(_redis_url)]
EmailURL = Annotated[OptionalSecret, _secret(service_urls.email_config)]
SentryDSN = Annotated[OptionalSecret, _secret(_sentry_dsn)]
HSTSStage = Annotated[str, _one_of(HSTS_STAGES)]
JSONObject = Annotated[
    Json[dict[str, list[str]]] | None, NoDecode, BeforeValidator(lambda value: value or None)
]
LogLevel = Annotated[
    Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], BeforeValidator(str.upper)
]
LogFormat = Annotated[Literal["plain", "json"], BeforeValidator(_lower)]
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
    ALLOWED_HOSTS: Hosts = Field(
        [],
        description="host names like www.example.com, .example.com (with its subdomains), "
        + "an IP address, [::1] or *; comma-separated or a JSON list",
    )
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
    LOG_FORMAT: LogFormat = Field(
        default="plain",
        description="plain (level=... logger=... request_id=... message) or json"
        + "; one line per record either way",
    )
    ADMIN_URL: str = Field(
        "admin/",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-/]*/$",
        description="a URL path ending in a slash, like admin/ or staff-7f3a/",
    )
    HSTS_STAGE: HSTSStage = Field("hour", description="one of " + ", ".join(HSTS_STAGES))
    HSTS_INCLUDE_SUBDOMAINS: bool = Field(False, description=BOOL)
    HSTS_PRELOAD: bool = Field(False, description=BOOL)
    CSP_REPORT_ONLY_POLICY: JSONObject = Field(
        None, description="a CSP policy as a JSON object of directive to list of sources"
    )
    # Shared cache (docs/heroku.md): local memory per process unless REDIS_URL is set.
    REDIS_URL: RedisURL = Field(
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
    AWS_STORAGE_BUCKET_NAME: OptionalStr = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        description="an S3 bucket name: 3 to 63 lowercase letters, digits, dots, dashes",
    )
    AWS_S3_ENDPOINT_URL: HttpURL = Field(
        None, description="an http(s) URL like https://s3.eu-central-1.example.com"
    )
    AWS_S3_REGION_NAME: OptionalStr = Field(
        default=None, pattern=r"^[a-z0-9-]{2,32}$", description="a region name like eu-west-1"
    )
    AWS_ACCESS_KEY_ID: OptionalStr = Field(
        default=None,
        pattern=r"^[A-Za-z0-9+/=_-]{4,128}$",
        description="the access key id of the bucket's credentials",
    )
    AWS_SECRET_ACCESS_KEY: OptionalSecret = Field(
        None, description="the secret of the bucket's credentials"
    )
    AWS_QUERYSTRING_EXPIRE: int = Field(
        default=3600,
        ge=1,
        le=604800,
        description="a whole number of seconds from 1 to 604800 (7 days)",
    )
    # boto3 reads these itself when AWS_S3_ENDPOINT_URL is unset; read here for the gate.
    AWS_ENDPOINT_URL_S3: HttpURL = Field(
        None, description="boto3's own S3 endpoint variable, an http(s) URL"
    )
    AWS_ENDPOINT_URL: HttpURL = Field(
        None, description="boto3's endpoint for every AWS service, an http(s) URL"
    )
    # Background tasks: run in the request (immediate) or by the worker process (database).
    TASKS_BACKEND: Literal["immediate", "database"] = Field(
        "immediate", description="immediate or database"
    )
    EMAIL_URL: EmailURL = Field(
        default=None,
        description=(
            "submission://user:password@smtp.example.com:587 (STARTTLS), "
            "smtps://user:password@smtp.example.com:465 (TLS) or console://"
        )
        + "; unset: console with DEBUG on, else mail is not sent",
    )
    DEFAULT_FROM_EMAIL: Address = Field(
        default="webmaster@localhost",
        description="an address like app@example.com or Name <app@example.com>",
    )
    SERVER_EMAIL: Address = Field(
        default="root@localhost",
        description="an address like errors@example.com or Name <errors@example.com>",
    )
    ADMINS: Addresses = Field(
        default=[],
        description="addresses like Ada <ada@example.com>, comma-separated or a JSON list",
    )
    SENTRY_DSN: SentryDSN = Field(
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
    APP_RELEASE: OptionalStr = Field(
        default=None,
        pattern=r"^[A-Za-z0-9._+/-]{1,200}$",
        description="the deployed version, like a commit hash (letters, digits, . _ - + /)"
        + "; unset: the platform's commit variable",
    )

    # gunicorn reads the same variable to decide whose X-Forwarded-* headers count.
    FORWARDED_ALLOW_IPS: Networks = Field(
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
    # Set by Heroku in every dyno, the release phase's too (web.1, worker.2, release.1):
    # the gate tells Heroku, whose router is a dyno's only peer, from anywhere else.
    DYNO: str | None = Field(None, description="set by Heroku, never by hand")
    # Proxies in front of the app that each append to X-Forwarded-For (a CDN before
    # the platform's router: 2); the client is the entry that many places from the end.
    FORWARDED_HOPS: int = Field(1, ge=1, le=5, description="a whole number from 1 to 5")


def load() -> Env:
    """Read the configuration, or stop the process with one line per bad variable."""
    env_file = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
    # The default .env may be absent (production has none); a file named on purpose may not.
    if "ENV_FILE" in os.environ and env_file and not os.path.isfile(env_file):
        boot.fail(
            [
                f"Configuration error: ENV_FILE={env_file!r} is invalid (no such file); "
                "expected the path of a dotenv file, or empty to read none."
            ]
        )
    try:
        return Env(_env_file=env_file or None)
    except ValidationError as exc:
        boot.fail(boot.error_lines(exc, Env))
