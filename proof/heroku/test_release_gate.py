"""The release gate against every planted misconfiguration: each stops it before it migrates."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.env import HSTS_STAGES
from tests.support.release import database, migrated_tables, production_env, release, tree
from tests.support.settings import REPO

__all__ = ["database", "tree"]


@pytest.mark.parametrize("stage", [stage for stage in HSTS_STAGES if stage != "off"])
def test_a_correct_production_configuration_releases_at_every_hsts_stage(
    database: Path, stage: str
) -> None:
    result = release(REPO, production_env(database, HSTS_STAGE=stage))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "django_session" in migrated_tables(database)
    assert "release: done" in result.stdout


def test_preload_with_a_year_and_subdomains_releases(database: Path) -> None:
    env = production_env(
        database, HSTS_STAGE="year", HSTS_INCLUDE_SUBDOMAINS="true", HSTS_PRELOAD="true"
    )

    result = release(REPO, env)

    assert result.returncode == 0, result.stdout + result.stderr


MISCONFIGURATIONS = {
    "debug on": ({"DEBUG": "true"}, "security.W018"),
    "weak key": ({"SECRET_KEY": "too-short"}, "bastion.E001"),
    "placeholder key": ({"SECRET_KEY": "replace-me-make-dev-generates-a-real-key"}, "bastion.E001"),
    "empty allowed hosts": ({"ALLOWED_HOSTS": ""}, "security.W020"),
    "use_ssl off": ({"USE_SSL": "false"}, "bastion.W001"),
    "hsts off": ({"HSTS_STAGE": "off"}, "security.W004"),
    "preload at one hour": ({"HSTS_PRELOAD": "true"}, "bastion.E010"),
    "preload without subdomains": (
        {"HSTS_PRELOAD": "true", "HSTS_STAGE": "two-years"},
        "bastion.E010",
    ),
    "plain-http cors origin": ({"CORS_ALLOWED_ORIGINS": "http://app.example.com"}, "bastion.W003"),
    "plain-http csrf origin": ({"CSRF_TRUSTED_ORIGINS": "http://app.example.com"}, "bastion.W011"),
}


@pytest.mark.parametrize("case", MISCONFIGURATIONS)
def test_a_misconfigured_environment_stops_the_release_before_migrating(
    database: Path, case: str
) -> None:
    overrides, check_id = MISCONFIGURATIONS[case]

    result = release(REPO, production_env(database, **overrides))

    assert result.returncode != 0
    assert check_id in result.stderr
    assert "nothing was migrated" in result.stderr
    assert migrated_tables(database) == set()


PLANTED_SETTINGS = {
    "cors allow-all": ("CORS_ALLOW_ALL_ORIGINS = True", "bastion.W002"),
    "cors credentials with a wildcard regex": (
        'CORS_ALLOW_CREDENTIALS = True\nCORS_ALLOWED_ORIGIN_REGEXES = [r"^https://.*$"]',
        "bastion.W004",
    ),
    "csp with unsafe-inline": (
        'CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] = ["\'self\'", "\'unsafe-inline\'"]',
        "bastion.W007",
    ),
    "csp with a wildcard script source": (
        'CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] = ["\'self\'", "https:"]',
        "bastion.W008",
    ),
    "csp without frame-ancestors": (
        'del CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-ancestors"]',
        "bastion.W009",
    ),
    "csp report-only only": (
        "CONTENT_SECURITY_POLICY_REPORT_ONLY = CONTENT_SECURITY_POLICY\n"
        "CONTENT_SECURITY_POLICY = None",
        "bastion.W006",
    ),
    "csp middleware removed": (
        'MIDDLEWARE.remove("apps.core.middleware.CSPMiddleware")',
        "bastion.W005",
    ),
    "clickjacking protection relaxed": ('X_FRAME_OPTIONS = "SAMEORIGIN"', "security.W019"),
}


@pytest.mark.parametrize("case", PLANTED_SETTINGS)
def test_a_misconfigured_settings_file_stops_the_release_before_migrating(
    tree: Path, database: Path, case: str
) -> None:
    edit, check_id = PLANTED_SETTINGS[case]
    settings_file = tree / "config" / "settings.py"
    settings_file.write_text(settings_file.read_text() + "\n" + edit + "\n")

    result = release(tree, production_env(database))

    assert result.returncode != 0
    assert check_id in result.stderr
    assert migrated_tables(database) == set()
