"""`manage.py hsts`: the operator's view of the staged HSTS rollout."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from pytest_django import Settings

from tests.support.settings import apply_production_settings


def hsts(settings: Settings, **environ: str) -> str:
    apply_production_settings(settings, **environ)
    out = StringIO()
    call_command("hsts", stdout=out)
    return out.getvalue()


def test_the_first_stage_shows_the_header_and_the_next_step(settings: Settings) -> None:
    output = hsts(settings)

    assert output.splitlines()[0] == "Strict-Transport-Security: max-age=3600"
    assert "Stage: hour (1 hour), 1 of 6" in output
    assert "Next: HSTS_STAGE=day (1 day)" in output
    assert "live for at least 1 hour" in output
    assert "loads over HTTPS" in output


@pytest.mark.parametrize(
    ("stage", "header", "next_step"),
    [
        ("day", "max-age=86400", "Next: HSTS_STAGE=week (7 days)"),
        ("week", "max-age=604800", "Next: HSTS_STAGE=month (30 days)"),
        ("month", "max-age=2592000", "Next: HSTS_STAGE=year (1 year)"),
        ("year", "max-age=31536000", "Next: HSTS_STAGE=two-years (2 years)"),
        ("two-years", "max-age=63072000", "Next: none"),
    ],
)
def test_each_stage_names_the_one_after_it(
    settings: Settings, stage: str, header: str, next_step: str
) -> None:
    output = hsts(settings, HSTS_STAGE=stage)

    assert output.splitlines()[0] == f"Strict-Transport-Security: {header}"
    assert next_step in output


def test_the_header_shows_the_opt_ins_exactly_as_sent(settings: Settings) -> None:
    output = hsts(settings, HSTS_STAGE="year", HSTS_INCLUDE_SUBDOMAINS="true", HSTS_PRELOAD="true")

    assert output.splitlines()[0] == (
        "Strict-Transport-Security: max-age=31536000; includeSubDomains; preload"
    )
    assert "every subdomain serves HTTPS" in output


def test_without_use_ssl_it_explains_how_to_start(settings: Settings) -> None:
    output = hsts(settings, USE_SSL="false")

    assert "HSTS is off: USE_SSL is false" in output
    assert "Strict-Transport-Security" not in output


def test_stage_off_says_how_to_begin(settings: Settings) -> None:
    output = hsts(settings, HSTS_STAGE="off")

    assert "(not sent)" in output
    assert "Set HSTS_STAGE=hour to begin" in output
