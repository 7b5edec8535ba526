"""The abuse-control variables: typed, with one error line each when wrong."""

from __future__ import annotations

import pytest

from config.env import CONFIG_ERROR_EXIT_STATUS, Env, load

BAD_VALUES = [
    ("FORWARDED_ALLOW_IPS", "10.0.0.5,router", "addresses and networks"),
    ("FORWARDED_ALLOW_IPS", "10.0.0.0/33", "addresses and networks"),
    ("LOGIN_FAILURE_LIMIT", "0", "from 1 to 100"),
    ("LOGIN_LOCKOUT_MINUTES", "forever", "minutes from 1 to 1440"),
    ("CSP_REPORTS_PER_MINUTE", "-1", "from 1 to 10000"),
    ("ADMIN_2FA", "sometimes", "true or false"),
]


@pytest.fixture(autouse=True)
def no_env_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENV_FILE", "")
    for name in Env.model_fields:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(("name", "value", "expected"), BAD_VALUES)
def test_a_bad_value_stops_startup_with_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    value: str,
    expected: str,
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(SystemExit) as stop:
        load()

    lines = capsys.readouterr().err.strip().splitlines()
    assert stop.value.code == CONFIG_ERROR_EXIT_STATUS
    assert len(lines) == 1
    assert lines[0].startswith(f"Configuration error: {name}={value!r}")
    assert expected in lines[0]


def test_the_defaults_trust_only_loopback_and_lock_after_five_failures() -> None:
    env = load()

    assert env.FORWARDED_ALLOW_IPS == ["127.0.0.1", "::1"]
    assert env.LOGIN_FAILURE_LIMIT == 5
    assert env.LOGIN_LOCKOUT_MINUTES == 15
    assert env.ADMIN_2FA is False


def test_proxy_networks_and_a_star_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.5, 10.1.0.0/16,*")

    assert load().FORWARDED_ALLOW_IPS == ["10.0.0.5", "10.1.0.0/16", "*"]
