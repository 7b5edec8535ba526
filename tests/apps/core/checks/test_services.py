"""apps/core/checks/services.py: each service variable's dangerous values fail the release gate."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from pytest_django import Settings

from tests.support.settings import REPO, apply_production_settings, load_settings_module

BUCKET = {"AWS_STORAGE_BUCKET_NAME": "shop-uploads"}
MAIL = {"EMAIL_URL": "submission://apikey:password@smtp.example.com:587"}


def findings(settings: Settings, **environ: str) -> dict[str, str]:
    """The deploy checks' ids, with their hints, for production settings from these variables."""
    apply_production_settings(settings, **environ)
    settings.STORAGES = load_settings_module(**environ)["STORAGES"]
    silenced = set(settings.SILENCED_SYSTEM_CHECKS)
    messages = run_checks(include_deployment_checks=True)
    return {str(m.id): str(m.hint or "") for m in messages if m.id not in silenced}


@pytest.mark.parametrize(
    ("environ", "rule"),
    [
        ({"REDIS_URL": "redis://:pw@redis.example.com:6379/0"}, "bastion.W140"),
        (
            {"REDIS_URL": "rediss://:pw@redis.example.com:6380", "REDIS_SSL_CERT_REQS": "none"},
            "bastion.W141",
        ),
        ({"FORWARDED_ALLOW_IPS": "*"}, "bastion.W142"),
        ({**BUCKET, "AWS_ENDPOINT_URL_S3": "http://s3.example.com"}, "bastion.W143"),
        ({**BUCKET, "AWS_ENDPOINT_URL": "http://minio.internal:9000"}, "bastion.W143"),
        ({**BUCKET, "AWS_QUERYSTRING_EXPIRE": "604800"}, "bastion.W144"),
        ({"ADMINS": "ops@example.com"}, "bastion.W145"),
        (MAIL, "bastion.W146"),
        (
            {**MAIL, "DEFAULT_FROM_EMAIL": "app@example.com", "ADMINS": "ops@example.com"},
            "bastion.W146",
        ),
        ({"SENTRY_DSN": "http://key@sentry.example.com/42"}, "bastion.W147"),
        ({"LOG_LEVEL": "DEBUG"}, "bastion.W148"),
        ({"CSP_REPORTS_PER_MINUTE": "10000"}, "bastion.W149"),
    ],
)
def test_a_dangerous_service_value_fails_the_gate(
    settings: Settings, environ: dict[str, str], rule: str
) -> None:
    hints = findings(settings, **environ)

    assert rule in hints
    assert hints[rule].startswith(("Set ", "Use ", "Keep ", "Run "))


@pytest.mark.parametrize(
    ("environ", "rule"),
    [
        ({"REDIS_URL": "redis://localhost:6379/0"}, "bastion.W140"),
        (
            {
                "REDIS_URL": "rediss://:pw@ec2-1-2-3-4.compute-1.amazonaws.com:6380",
                "REDIS_SSL_CERT_REQS": "none",
                "DYNO": "web.1",
            },
            "bastion.W141",
        ),
        ({"FORWARDED_ALLOW_IPS": "*", "DYNO": "release.1"}, "bastion.W142"),
        ({**BUCKET, "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:9000"}, "bastion.W143"),
        (
            {
                **BUCKET,
                "AWS_S3_ENDPOINT_URL": "https://s3.example.com",
                "AWS_ENDPOINT_URL": "http://ignored.example.com",
            },
            "bastion.W143",
        ),
        ({**BUCKET, "AWS_QUERYSTRING_EXPIRE": "86400"}, "bastion.W144"),
        (
            {
                **MAIL,
                "ADMINS": "ops@example.com",
                "DEFAULT_FROM_EMAIL": "a@example.com",
                "SERVER_EMAIL": "e@example.com",
            },
            "bastion.W145",
        ),
        ({**MAIL, "DEFAULT_FROM_EMAIL": "Shop <app@example.com>"}, "bastion.W146"),
        ({"SENTRY_DSN": "http://key@127.0.0.1:9000/42"}, "bastion.W147"),
        ({"LOG_LEVEL": "INFO"}, "bastion.W148"),
        ({"CSP_REPORTS_PER_MINUTE": "600"}, "bastion.W149"),
    ],
)
def test_the_safe_neighbour_of_each_dangerous_value_passes(
    settings: Settings, environ: dict[str, str], rule: str
) -> None:
    assert rule not in findings(settings, **environ)


def test_error_mail_limits_loosened_to_uselessness_fail_the_gate(settings: Settings) -> None:
    apply_production_settings(settings)
    settings.ERROR_MAILS_PER_KIND = 1000

    ids = {str(m.id) for m in run_checks(include_deployment_checks=True)}

    assert "bastion.W150" in ids


def test_every_rule_has_a_row_in_the_security_docs() -> None:
    table = (REPO / "docs" / "security.md").read_text()

    missing = [n for n in [*range(140, 151), 170] if f"| `bastion.W{n}` |" not in table]

    assert missing == []
