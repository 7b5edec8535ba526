"""
The project's configuration, read once from the environment and `.env`.

Only config/settings.py imports this module; everything else reads
django.conf.settings. Every variable is listed in the README's table.

A bad value stops start-up with one line per variable that names it, shows
the value (never a secret's) and the form that is expected.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, Literal, NoReturn
from urllib.parse import urlsplit

import dj_database_url
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
    "ADMIN_URL": "a URL path ending in a slash, like admin/ or staff-7f3a/",
    "HSTS_STAGE": "one of " + ", ".join(HSTS_STAGES),
    "HSTS_INCLUDE_SUBDOMAINS": "true or false",
    "HSTS_PRELOAD": "true or false",
    "CSP_REPORT_ONLY_POLICY": "a CSP policy as a JSON object of directive to list of sources",
    "API_PAGE_SIZE": "a whole number from 1 to 100",
}

# Values never echoed back in an error line.
SECRET_VARIABLES = frozenset({"SECRET_KEY", "DATABASE_URL"})


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
    ADMIN_URL: str = Field(default="admin/", pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-/]*/$")
    HSTS_STAGE: Literal["off", "hour", "day", "week", "month", "year", "two-years"] = "hour"
    HSTS_INCLUDE_SUBDOMAINS: bool = False
    HSTS_PRELOAD: bool = False
    CSP_REPORT_ONLY_POLICY: Annotated[dict[str, list[str]] | None, NoDecode] = None
    API_PAGE_SIZE: int = Field(default=20, ge=1, le=100)

    _split = field_validator(
        "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "CORS_ALLOWED_ORIGINS", mode="before"
    )(_split_list)

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

    @field_validator("LOG_LEVEL", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("DATABASE_URL")
    @classmethod
    def _database_url(cls, value: SecretStr) -> SecretStr:
        database_config(value.get_secret_value(), conn_max_age=0, ssl_require=False)
        return value


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
