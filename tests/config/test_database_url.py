"""DATABASE_URL, parsed by dj-database-url inside the typed configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.boot import CONFIG_ERROR_EXIT_STATUS
from config.env import load
from config.service_urls import BASE_DIR, DATABASE_CONNECT_TIMEOUT, database_config


def test_a_connect_timeout_in_the_url_replaces_the_default() -> None:
    config = database_config(
        "postgres://u@db.example.com/app?connect_timeout=10", conn_max_age=0, ssl_require=False
    )

    assert config["OPTIONS"]["connect_timeout"] == 10


def test_the_default_connect_timeout_is_five_seconds() -> None:
    config = database_config("postgres://u@db.example.com/app", conn_max_age=0, ssl_require=False)

    assert config["OPTIONS"]["connect_timeout"] == DATABASE_CONNECT_TIMEOUT == 5


def test_a_postgis_url_selects_the_geodjango_backend() -> None:
    config = database_config("postgis://u:p@db.example.com/geo", conn_max_age=60, ssl_require=True)

    assert config["ENGINE"] == "django.contrib.gis.db.backends.postgis"
    assert config["OPTIONS"]["sslmode"] == "require"
    assert config["CONN_MAX_AGE"] == 60


def test_a_schema_option_becomes_the_search_path() -> None:
    config = database_config(
        "postgres://u@db.example.com/app?currentSchema=tenant", conn_max_age=0, ssl_require=False
    )

    assert config["OPTIONS"]["options"] == "-c search_path=tenant"


def test_sqlite_keeps_no_connection_and_never_asks_for_tls() -> None:
    config = database_config("sqlite:///db.sqlite3", conn_max_age=600, ssl_require=True)

    assert config["CONN_MAX_AGE"] == 0
    assert "OPTIONS" not in config


def test_a_relative_sqlite_path_does_not_depend_on_the_working_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)

    config = database_config("sqlite:///data/app.sqlite3", conn_max_age=0, ssl_require=False)

    assert config["NAME"] == BASE_DIR / "data" / "app.sqlite3"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mysql://admin:hunter2-secret@db.example.com/app", "unknown scheme 'mysql'"),
        (
            "postgres://admin:hunter2-secret@db.example.com:port/app",
            "not a URL (percent-encode special characters in the password)",
        ),
        ("postgres://admin:hunter2-secret@db.example.com/", "the URL names no database"),
    ],
)
def test_a_bad_url_is_one_line_that_never_shows_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, reason: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)

    with pytest.raises(SystemExit) as stopped:
        load()

    assert stopped.value.code == CONFIG_ERROR_EXIT_STATUS
    output = capsys.readouterr()
    assert output.err.splitlines() == [
        f"Configuration error: DATABASE_URL is invalid ({reason}); expected "
        "sqlite:///path/to/db.sqlite3 or postgres://user:password@host:5432/name."
    ]
    assert "hunter2" not in output.err + output.out
