"""
gunicorn.conf.py against Heroku's limits: read the way gunicorn reads it.

The proof kit's Heroku emulation runs it for real; these check the choices a
quick run cannot reach (the defaults, the environment variables, the limits).
"""

from __future__ import annotations

import runpy
from types import ModuleType
from typing import Any

import pytest
from gunicorn.config import Config

from tests.support.commands import production_stage
from tests.support.settings import REPO

HEROKU_ROUTER_TIMEOUT = 30
HEROKU_SIGKILL_AFTER = 30
HEROKU_ROUTER_IDLE_TIMEOUT = 90
# The connection limit of the smallest Heroku Postgres plan app.json asks for.
ESSENTIAL_0_CONNECTIONS = 20
INTERFACE = ("PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "FORWARDED_ALLOW_IPS", "LOG_LEVEL")


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    """The module's settings with only these of its environment variables set."""
    for name in INTERFACE:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    return {name: value for name, value in settings.items() if not name.startswith("_")}


def test_every_name_in_the_file_is_a_gunicorn_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    names = {name for name, value in load(monkeypatch).items() if not isinstance(value, ModuleType)}

    assert names - set(Config().settings) == set(), "gunicorn ignores a misspelt setting"


def test_it_binds_every_interface_on_the_port_a_platform_sets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load(monkeypatch, PORT="5123")["bind"] == "0.0.0.0:5123"


def test_without_port_it_serves_this_machine_only(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load(monkeypatch)["bind"] == "127.0.0.1:8000"
    assert load(monkeypatch, PORT="")["bind"] == "127.0.0.1:8000"


@pytest.mark.parametrize("value", ["http", "99999", "-1", "80.0", "8000 8001"])
def test_a_port_that_is_not_one_stops_the_server_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    # gunicorn's own refusals: a traceback past 65535, a line that names no variable.
    with pytest.raises(SystemExit) as stopped:
        load(monkeypatch, PORT=value)

    assert stopped.value.code == 3
    assert capsys.readouterr().err.splitlines() == [
        f"PORT={value!r} is not a port: set it to a whole number from 1 to 65535, or unset it"
    ]


def test_the_image_sets_port_so_its_server_is_reachable_from_outside() -> None:
    assert "\nENV PORT=8000\n" in production_stage()


def test_workers_and_threads_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(monkeypatch, WEB_CONCURRENCY="5", GUNICORN_THREADS="3")

    assert (settings["workers"], settings["threads"]) == (5, 3)
    assert settings["worker_class"] == "gthread"
    # Threaded workers each listen on their own socket, so the kernel spreads connections.
    assert settings["reuse_port"] is True


def test_by_default_each_worker_serves_one_request_at_a_time_from_a_shared_socket(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load(monkeypatch)

    assert (settings["worker_class"], settings["threads"]) == ("sync", 1)
    # An idle sync worker takes the next connection; separate sockets would queue one
    # behind a busy worker while the other idles.
    assert settings["reuse_port"] is False


def test_the_default_database_connections_fit_the_smallest_postgres_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load(monkeypatch)
    per_dyno = settings["workers"] * settings["threads"]
    release_phase, one_off_shell = 1, 1

    # Preboot runs the old and the new dyno side by side for a moment.
    assert 2 * per_dyno + release_phase + one_off_shell <= ESSENTIAL_0_CONNECTIONS


def test_a_stopping_dyno_finishes_its_requests_before_heroku_kills_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load(monkeypatch)

    assert settings["graceful_timeout"] < HEROKU_SIGKILL_AFTER
    assert settings["timeout"] < HEROKU_ROUTER_TIMEOUT


def test_idle_connections_are_closed_by_the_router_first(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load(monkeypatch)["keepalive"] > HEROKU_ROUTER_IDLE_TIMEOUT


def test_forwarded_headers_are_trusted_from_loopback_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load(monkeypatch)["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert load(monkeypatch, FORWARDED_ALLOW_IPS="*")["forwarded_allow_ips"] == "*"


def test_log_level_follows_the_app_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load(monkeypatch, LOG_LEVEL="WARNING")["loglevel"] == "warning"
    assert load(monkeypatch)["loglevel"] == "info"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        *[("GUNICORN_THREADS", value) for value in ("two", "0", "-1", "2.5", "²")],
        # gunicorn reads WEB_CONCURRENCY itself before this file: config/serve.py stops
        # a value its int() refuses (tests/config/test_serve.py); a number below 1
        # reaches this file.
        ("WEB_CONCURRENCY", "0"),
        ("WEB_CONCURRENCY", "-1"),
    ],
)
def test_a_count_that_is_not_one_stops_the_server_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, value: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        load(monkeypatch, **{name: value})

    assert stopped.value.code == 3
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{name}={value!r} is not a count: set it to a whole number")


def test_an_empty_count_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load(monkeypatch, WEB_CONCURRENCY="", GUNICORN_THREADS=" ")["workers"] == 2
