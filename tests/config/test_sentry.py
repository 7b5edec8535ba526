"""Sentry from SENTRY_DSN: off without one, and a bad value stops start-up.

What reaches the DSN's host is proved against a real ingest endpoint by the proof kit.
"""

from __future__ import annotations

import pytest
import sentry_sdk

from tests.support.settings import load_settings_module, startup_refusal, strong_key


def test_without_a_dsn_no_client_is_started() -> None:
    sentry_sdk.get_global_scope().set_client(None)
    load_settings_module(SECRET_KEY=strong_key())

    assert not sentry_sdk.get_client().is_active()


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("SENTRY_DSN", "https://o1.ingest.sentry.io/2", "https://KEY@HOST/PROJECT"),
        ("SENTRY_DSN", "https://key-hunter2@o1.ingest.sentry.io/", "project's number"),
        ("SENTRY_TRACES_SAMPLE_RATE", "1.5", "from 0"),
        ("SENTRY_ENVIRONMENT", "prod\nlevel=ERROR", "letters, digits"),
        ("APP_RELEASE", "v1 with spaces", "commit hash"),
    ],
)
def test_a_bad_sentry_value_stops_startup_with_one_line_and_no_dsn(
    capsys: pytest.CaptureFixture[str], name: str, value: str, expected: str
) -> None:
    line = startup_refusal(capsys, name, value)

    assert expected in line
    assert "hunter2" not in line
