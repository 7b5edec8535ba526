"""config/env.py: typed configuration from the environment, and what bad input does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from pytest_django import Settings

from config.boot import CONFIG_ERROR_EXIT_STATUS, refuse_unsafe_configuration
from config.env import BASE_DIR, Env, load
from config.service_urls import database_config
from tests.support.settings import run_python, strong_key

BAD_VALUES = [
    ("DEBUG", "maybe", "true or false"),
    ("USE_SSL", "perhaps", "true or false"),
    ("ALLOWED_HOSTS", '["broken', "JSON list"),
    ("ALLOWED_HOSTS", "[1, 2]", "JSON list"),
    ("ALLOWED_HOSTS", '["example.com", 2]', "JSON list"),
    ("ALLOWED_HOSTS", "https://example.com", "write example.com)"),
    ("ALLOWED_HOSTS", "example.com/path", "write example.com)"),
    ("ALLOWED_HOSTS", "example.com:8000", "write example.com)"),
    ("ALLOWED_HOSTS", "*.example.com", "write .example.com)"),
    ("ALLOWED_HOSTS", "::1", "write [::1])"),
    ("ALLOWED_HOSTS", "www example.com", "is not a host name or pattern)"),
    ("DATABASE_URL", "mysql://root@db/app", "postgres://"),
    ("DATABASE_URL", "postgres://db.example.com:port/app", "postgres://"),
    ("DATABASE_CONN_MAX_AGE", "-1", "0 or more"),
    ("DATABASE_CONN_MAX_AGE", "ten", "0 or more"),
    ("DATABASE_CONN_MAX_AGE", "1.5", "0 or more"),
    ("LOG_LEVEL", "loud", "DEBUG, INFO"),
    ("HSTS_STAGE", "forever", "hour, day, week"),
    ("ADMIN_URL", "/admin", "ending in a slash"),
    ("CORS_ALLOWED_ORIGINS", "app.example.com", "origins like https://"),
    ("CSRF_TRUSTED_ORIGINS", "https://example.com/path", "origins like https://"),
    ("CSP_REPORT_ONLY_POLICY", "{not json", "JSON object"),
    ("REDIS_URL", "http://cache.example.com:6379", "redis://host:6379/0"),
    ("REDIS_URL", "redis://cache.example.com:port/0", "redis://host:6379/0"),
    ("REDIS_URL", "redis:///0", "redis://host:6379/0"),
    ("REDIS_SSL_CERT_REQS", "optional", "required or none"),
    ("CACHE_KEY_PREFIX", "my app", "letters, digits"),
    ("AWS_STORAGE_BUCKET_NAME", "My_Bucket", "an S3 bucket name"),
    ("AWS_S3_ENDPOINT_URL", "s3.example.com", "an http(s) URL"),
    ("AWS_S3_REGION_NAME", "EU West 1", "a region name"),
    ("AWS_QUERYSTRING_EXPIRE", "0", "from 1 to 604800"),
    ("AWS_QUERYSTRING_EXPIRE", "a week", "from 1 to 604800"),
    ("TASKS_BACKEND", "celery", "immediate or database"),
    ("FORWARDED_ALLOW_IPS", "10.0.0.5,router", "addresses and networks"),
    ("FORWARDED_ALLOW_IPS", "10.0.0.0/33", "addresses and networks"),
    ("LOGIN_FAILURE_LIMIT", "0", "from 1 to 100"),
    ("LOGIN_LOCKOUT_MINUTES", "forever", "minutes from 1 to 1440"),
    ("CSP_REPORTS_PER_MINUTE", "-1", "from 1 to 10000"),
    ("ADMIN_2FA", "sometimes", "true or false"),
    ("FORWARDED_HOPS", "0", "from 1 to 5"),
    ("FORWARDED_HOPS", "two", "from 1 to 5"),
]

ENTRY_POINTS = {
    "manage.py": ["manage.py", "check"],
    "wsgi": ["-c", "import config.wsgi"],
}


@pytest.fixture
def load_config(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[object, list[str]]]:
    """Read the configuration in-process from only these variables; return exit code and stderr."""

    def load_with(**environ: str) -> tuple[object, list[str]]:
        for name in Env.model_fields:
            monkeypatch.delenv(name, raising=False)
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        with pytest.raises(SystemExit) as stopped:
            load()
        return stopped.value.code, capsys.readouterr().err.strip().splitlines()

    return load_with


@pytest.mark.parametrize(("name", "value", "expected"), BAD_VALUES)
def test_a_bad_value_stops_startup_with_one_line_naming_it(
    load_config: Callable[..., tuple[object, list[str]]], name: str, value: str, expected: str
) -> None:
    code, lines = load_config(SECRET_KEY=strong_key(), **{name: value})

    assert code == CONFIG_ERROR_EXIT_STATUS
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"Configuration error: {name}")
    assert expected in lines[0]


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_every_entry_point_stops_on_a_bad_value_with_one_line_and_no_traceback(
    clean_env: dict[str, str], entry_point: str
) -> None:
    clean_env.update({"SECRET_KEY": strong_key(), "DEBUG": "maybe"})

    result = run_python(ENTRY_POINTS[entry_point], clean_env)

    assert result.returncode == CONFIG_ERROR_EXIT_STATUS
    assert result.stderr.strip().splitlines() == [
        "Configuration error: DEBUG='maybe' is invalid (Input should be a valid boolean, "
        "unable to interpret input); expected true or false."
    ]
    assert "Traceback" not in result.stdout


def test_a_bad_database_url_never_shows_its_password(
    load_config: Callable[..., tuple[object, list[str]]],
) -> None:
    code, lines = load_config(DATABASE_URL="mysql://admin:hunter2-very-secret@db.example.com/app")

    assert code == CONFIG_ERROR_EXIT_STATUS
    assert "DATABASE_URL" in lines[0]
    assert "hunter2" not in "".join(lines)


def test_every_bad_variable_gets_its_own_line(
    load_config: Callable[..., tuple[object, list[str]]],
) -> None:
    _, lines = load_config(DEBUG="maybe", DATABASE_CONN_MAX_AGE="-3")

    assert sorted(line.split("=")[0] for line in lines) == [
        "Configuration error: DATABASE_CONN_MAX_AGE",
        "Configuration error: DEBUG",
    ]


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "is not set"),
        ("replace-me-make-dev-generates-a-real-key", "placeholder"),
        ("django-insecure-" + "k" * 20 + strong_key(), "django-insecure-"),
        ("short-key", "weak"),
        ("a" * 60, "weak"),
    ],
)
def test_production_refuses_to_serve_without_a_strong_secret_key(
    settings: Settings, capsys: pytest.CaptureFixture[str], key: str, problem: str
) -> None:
    settings.DEBUG = False
    settings.SECRET_KEY = key

    with pytest.raises(SystemExit) as stopped:
        refuse_unsafe_configuration()

    assert stopped.value.code == CONFIG_ERROR_EXIT_STATUS
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert "SECRET_KEY" in lines[0]
    assert problem in lines[0]
    if key:
        assert key not in lines[0]


def test_the_wsgi_entry_point_refuses_to_serve_without_a_secret_key(
    clean_env: dict[str, str],
) -> None:
    result = run_python(ENTRY_POINTS["wsgi"], clean_env)

    assert result.returncode == CONFIG_ERROR_EXIT_STATUS
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_production_serves_with_a_strong_secret_key(settings: Settings) -> None:
    settings.DEBUG = False
    settings.SECRET_KEY = strong_key()

    refuse_unsafe_configuration()


def test_runserver_checks_refuse_a_weak_key_with_debug_off(settings: Settings) -> None:
    settings.DEBUG = False
    settings.SECRET_KEY = "short-key"

    with pytest.raises(SystemCheckError, match=r"bastion\.E001"):
        call_command("check", verbosity=0)


def test_development_runs_with_debug_on_and_a_weak_key(settings: Settings) -> None:
    settings.DEBUG = True
    settings.SECRET_KEY = "short-key"

    call_command("check", verbosity=0)


def test_list_values_accept_json_lists_and_comma_separated_strings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", '["a.example.com", "b.example.com"]')
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", " https://app.example.com/ , https://x.example.com")

    env = Env(_env_file=None)

    assert env.ALLOWED_HOSTS == ["a.example.com", "b.example.com"]
    assert env.CORS_ALLOWED_ORIGINS == ["https://app.example.com", "https://x.example.com"]


def test_defaults_are_the_safe_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in Env.model_fields:
        monkeypatch.delenv(name, raising=False)

    env = Env(_env_file=None)

    assert env.DEBUG is False
    assert env.ALLOWED_HOSTS == []
    assert env.CORS_ALLOWED_ORIGINS == []
    assert env.CORS_ALLOW_CREDENTIALS is False
    assert env.HSTS_PRELOAD is False
    assert env.SECRET_KEY is None


def test_the_environment_overrides_the_env_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=true\nDATABASE_CONN_MAX_AGE=7\nUNRELATED_TOOL_SETTING=1\n")
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "9")
    monkeypatch.delenv("DEBUG", raising=False)

    env = Env(_env_file=env_file)

    assert env.DEBUG is True
    assert env.DATABASE_CONN_MAX_AGE == 9


def test_a_bad_value_in_the_env_file_is_named_with_its_value(
    load_config: Callable[..., tuple[object, list[str]]], tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=sometimes\n")

    code, lines = load_config(ENV_FILE=str(env_file))

    assert code == CONFIG_ERROR_EXIT_STATUS
    assert "DEBUG='sometimes'" in lines[0]


def test_an_env_file_that_does_not_exist_stops_startup_with_one_line(
    clean_env: dict[str, str],
) -> None:
    clean_env["ENV_FILE"] = "nope.env"

    result = run_python(["manage.py", "check", "--deploy"], clean_env)

    assert result.returncode == CONFIG_ERROR_EXIT_STATUS
    assert result.stderr.strip().splitlines() == [
        "Configuration error: ENV_FILE='nope.env' is invalid (no such file); "
        "expected the path of a dotenv file, or empty to read none."
    ]


def test_without_env_file_a_missing_default_env_file_is_no_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("ENV_FILE", raising=False)
    monkeypatch.setattr("config.env.BASE_DIR", tmp_path)

    assert load().DEBUG is False


def test_sqlite_urls_resolve_relative_paths_to_the_project_folder() -> None:
    relative = database_config("sqlite:///db.sqlite3", conn_max_age=0, ssl_require=False)
    assert relative["ENGINE"] == "django.db.backends.sqlite3"
    assert relative["NAME"] == BASE_DIR / "db.sqlite3"
    absolute = database_config("sqlite:////var/data/app.db", conn_max_age=0, ssl_require=False)
    assert absolute["NAME"] == Path("/var/data/app.db")


def test_postgres_urls_keep_connections_with_health_checks_and_can_require_tls() -> None:
    config = database_config(
        "postgres://user:p%40ss@db.example.com:5433/app?application_name=web",
        conn_max_age=600,
        ssl_require=True,
    )

    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("app", "user", "p@ss")
    assert (config["HOST"], config["PORT"]) == ("db.example.com", 5433)
    assert config["CONN_MAX_AGE"] == 600
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["OPTIONS"] == {
        "application_name": "web",
        "connect_timeout": 5,
        "sslmode": "require",
    }


def test_postgres_urls_do_not_require_tls_unless_asked() -> None:
    config = database_config("postgresql://u@localhost/app", conn_max_age=0, ssl_require=False)

    assert "sslmode" not in config["OPTIONS"]


def test_the_wsgi_entry_point_serves_without_importing_the_migration_machinery(
    clean_env: dict[str, str],
) -> None:
    clean_env.update({"SECRET_KEY": strong_key(), "DEBUG": "false", "ALLOWED_HOSTS": "example.com"})
    imported = "import sys, config.wsgi; print('django.db.migrations.autodetector' in sys.modules)"

    result = run_python(["-c", imported], clean_env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
