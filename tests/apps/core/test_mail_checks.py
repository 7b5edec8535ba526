"""bastion.W120: `check --deploy` refuses mail sent to a remote SMTP server without TLS."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks
from pytest_django import Settings

from apps.core import checks
from tests.support.settings import apply_production_settings


def deploy_ids() -> set[str]:
    return {str(message.id) for message in run_checks(include_deployment_checks=True)}


@pytest.mark.parametrize(
    "url",
    [
        "smtp://ada:hunter2-secret@smtp.example.com:25",
        "smtp://smtp.example.com:2525",
        "smtp://ada:hunter2-secret@10.0.0.7",
    ],
)
def test_a_remote_smtp_server_without_tls_fails_the_deploy_checks(
    settings: Settings, url: str
) -> None:
    apply_production_settings(settings, EMAIL_URL=url)

    [message] = checks.check_mail()

    assert message.id == "bastion.W120"
    assert "bastion.W120" in deploy_ids()
    assert "without TLS" in message.msg
    assert "hunter2" not in message.msg + str(message.hint)


@pytest.mark.parametrize(
    "url",
    [
        "submission://ada:pw@smtp.example.com",
        "smtp+tls://ada:pw@smtp.example.com:587",
        "smtps://ada:pw@smtp.example.com",
        "smtp://ada:pw@smtp.example.com:25?tls=true",
        "smtp://127.0.0.1:25",
        "smtp://localhost:1025",
        "console://",
    ],
)
def test_tls_or_a_server_on_this_machine_passes(settings: Settings, url: str) -> None:
    apply_production_settings(settings, EMAIL_URL=url)

    assert checks.check_mail() == []


def test_no_email_url_in_production_passes_the_checks(settings: Settings) -> None:
    apply_production_settings(settings)

    assert settings.EMAIL_BACKEND == "apps.core.mail.NotSentEmailBackend"
    assert checks.check_mail() == []
