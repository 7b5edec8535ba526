"""apps/accounts/checks.py: the accounts' settings at their dangerous values, in production."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import run_checks
from pytest_django import Settings

from tests.support.settings import apply_production_settings

ACCOUNTS_IDS = {f"bastion.W{n}" for n in range(180, 200)}
ACCOUNTS_IDS |= {f"bastion.E0{n}" for n in range(50, 60)}


def findings() -> set[str]:
    """The accounts' own findings among every deploy check's."""
    return {str(m.id) for m in run_checks(include_deployment_checks=True)} & ACCOUNTS_IDS


@pytest.fixture
def production(settings: Settings) -> Settings:
    return apply_production_settings(settings)


def test_the_shipped_production_settings_raise_none(production: Settings) -> None:
    assert findings() == set()


@pytest.mark.parametrize(
    ("name", "value", "check"),
    [
        ("ACCOUNT_EMAIL_VERIFICATION", "optional", "bastion.W180"),
        ("ACCOUNT_EMAIL_VERIFICATION", "none", "bastion.W180"),
        ("ADMIN_2FA", False, "bastion.W181"),
        ("ACCOUNT_PREVENT_ENUMERATION", False, "bastion.W182"),
        ("ACCOUNT_RATE_LIMITS", False, "bastion.W183"),
        ("ACCOUNT_RATE_LIMITS", {"login_failed": False, "reset_password": False}, "bastion.W183"),
        ("ACCOUNT_RATE_LIMITS", {"login_failed": "5/5m/key"}, "bastion.W184"),
        ("AXES_LOCKOUT_PARAMETERS", ["username", "ip_address"], "bastion.W185"),
        ("MFA_TRUST_ENABLED", True, "bastion.W186"),
        ("ALLOWED_HOSTS", ["*"], "bastion.W187"),
        ("ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http", "bastion.W189"),
        ("AXES_ENABLE_ADMIN", True, "bastion.W190"),
        ("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", True, "bastion.E050"),
        ("MFA_TOTP_INSECURE_BYPASS_CODE", "000000", "bastion.E051"),
    ],
)
def test_a_dangerous_value_is_reported(
    production: Settings, name: str, value: Any, check: str
) -> None:
    setattr(production, name, value)

    assert check in findings()


def test_a_relying_party_that_does_not_cover_every_host_is_reported(production: Settings) -> None:
    production.ALLOWED_HOSTS = ["www.example.com", "example.com", "app.herokuapp.com"]
    production.PASSKEY_RP_ID = "example.com"

    [message] = [m for m in run_checks(include_deployment_checks=True) if m.id == "bastion.W188"]

    assert "app.herokuapp.com" in message.msg
    assert "www.example.com" not in message.msg


def test_a_relying_party_above_every_host_is_fine(production: Settings) -> None:
    production.ALLOWED_HOSTS = ["www.example.com", "example.com", ".example.com"]
    production.PASSKEY_RP_ID = "example.com"

    assert findings() == set()


def test_without_passkeys_the_hosts_do_not_matter(production: Settings) -> None:
    production.ALLOWED_HOSTS = ["*"]
    production.MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]

    assert "bastion.W187" not in findings()


def test_the_admin_second_factor_warning_can_be_silenced(production: Settings) -> None:
    production.ADMIN_2FA = False
    production.SILENCED_SYSTEM_CHECKS = [*production.SILENCED_SYSTEM_CHECKS, "bastion.W181"]

    [message] = [m for m in run_checks(include_deployment_checks=True) if m.id == "bastion.W181"]

    assert message.is_silenced()


def test_development_is_not_judged(settings: Settings) -> None:
    settings.DEBUG = True
    settings.ADMIN_2FA = False
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True

    assert findings() == set()


def test_every_check_has_a_hint() -> None:
    from apps.accounts import checks

    messages = []
    for name in dir(checks):
        if name.startswith("check_"):
            messages.extend(getattr(checks, name)())
    assert messages
    assert all(message.hint for message in messages)
