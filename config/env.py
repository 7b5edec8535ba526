"""
The project's configuration, read once from the environment and `.env`.

Only config/settings.py imports this module; everything else reads
django.conf.settings. Every variable is listed in the README's table. A bad
value stops start-up with one line per variable: its name, its value (never
for a SecretStr field) and its Field description, the form that is expected.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn, get_args
from urllib.parse import urlsplit

import dj_database_url
from pydantic import AfterValidator, BeforeValidator, Field, Json, SecretStr, ValidationError
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
    API_PAGE_SIZE: int = Field(20, ge=1, le=100, description="a whole number from 1 to 100")


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
