"""Deploy checks for who may sign in: the accounts' settings at their dangerous values.

Registered by AccountsConfig.ready(). Each runs under `check --deploy` (the release
step) and judges production only: DEBUG on is development, where these values help.
Ids: bastion.W180-W199 and bastion.E050-E059.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

# The account endpoints django-allauth limits; each must keep its limit.
RATE_LIMITED_ACTIONS = (
    "login",
    "signup",
    "reset_password",
    "reset_password_from_key",
    "change_password",
    "manage_email",
    "reauthenticate",
    "confirm_email",
)
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})


def _production() -> bool:
    return not settings.DEBUG


@register(Tags.security, deploy=True)
def check_sign_up(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    if not _production():
        return []
    messages: list[CheckMessage] = []
    if getattr(settings, "ACCOUNT_EMAIL_VERIFICATION", "optional") != "mandatory":
        messages.append(
            Warning(
                "Accounts can sign in before their e-mail address is verified.",
                hint='Set ACCOUNT_EMAIL_VERIFICATION = "mandatory" in config/settings.py.',
                id="bastion.W180",
            )
        )
    if getattr(settings, "ACCOUNT_PREVENT_ENUMERATION", True) not in (True, "strict"):
        messages.append(
            Warning(
                "Sign-up and password reset tell whether an address has an account.",
                hint="Set ACCOUNT_PREVENT_ENUMERATION = True in config/settings.py.",
                id="bastion.W182",
            )
        )
    if getattr(settings, "ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http") != "https" and getattr(
        settings, "USE_SSL", False
    ):
        messages.append(
            Warning(
                "Verification and reset links in account mail start with http://.",
                hint='Set ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" (USE_SSL does).',
                id="bastion.W189",
            )
        )
    return messages


@register(Tags.security, deploy=True)
def check_admin_second_factor(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if not _production() or settings.ADMIN_2FA:
        return []
    return [
        Warning(
            "Staff enter the admin with a password alone.",
            hint="Set ADMIN_2FA=true: staff then set up an authenticator app or a passkey on "
            "/accounts/2fa/ and use it at each sign-in. To accept the risk, add "
            '"bastion.W181" to SILENCED_SYSTEM_CHECKS with the reason beside it.',
            id="bastion.W181",
        )
    ]


def _limits_off() -> list[str]:
    limits = getattr(settings, "ACCOUNT_RATE_LIMITS", {})
    if limits is False:
        return list(RATE_LIMITED_ACTIONS)
    return [action for action in RATE_LIMITED_ACTIONS if action in limits and not limits[action]]


@register(Tags.security, deploy=True)
def check_rate_limits(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if not _production():
        return []
    messages: list[CheckMessage] = []
    off = _limits_off()
    if off:
        messages.append(
            Warning(
                f"Account endpoints without a rate limit: {', '.join(off)}.",
                hint="Give each a limit in ACCOUNT_RATE_LIMITS (config/settings.py), or "
                "leave it out to keep django-allauth's own.",
                id="bastion.W183",
            )
        )
    limits = getattr(settings, "ACCOUNT_RATE_LIMITS", {})
    if limits is not False and limits.get("login_failed", True):
        messages.append(
            Warning(
                "Two lockouts count wrong passwords: django-axes and allauth's login_failed.",
                hint='Keep ACCOUNT_RATE_LIMITS["login_failed"] = False: allauth\'s locks the '
                "address for everyone, whoever tries it (docs/security.md#one-lockout-model).",
                id="bastion.W184",
            )
        )
    return messages


def _locks_address_alone() -> bool:
    return "username" in getattr(settings, "AXES_LOCKOUT_PARAMETERS", [])


@register(Tags.security, deploy=True)
def check_lockout(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    if not _production():
        return []
    messages: list[CheckMessage] = []
    if settings.ADMIN_2FA and _locks_address_alone():
        messages.append(
            Warning(
                "Anyone who knows an address can lock its owner out, though a second factor "
                "is required.",
                hint='Lock [["username", "ip_address"], "ip_address"] in '
                "AXES_LOCKOUT_PARAMETERS, as config/settings.py does under ADMIN_2FA.",
                id="bastion.W185",
            )
        )
    if getattr(settings, "AXES_ENABLE_ADMIN", True):
        messages.append(
            Warning(
                "The admin shows every attempted address and what was posted with it.",
                hint="Set AXES_ENABLE_ADMIN = False; unlock with manage.py axes_reset_*.",
                id="bastion.W190",
            )
        )
    return messages


@register(Tags.security, deploy=True)
def check_second_factors(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if not _production():
        return []
    messages: list[CheckMessage] = []
    if getattr(settings, "MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", False):
        messages.append(
            Error(
                "Passkeys are accepted from plain-HTTP origins.",
                hint="Set MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG, as shipped.",
                id="bastion.E050",
            )
        )
    if getattr(settings, "MFA_TOTP_INSECURE_BYPASS_CODE", None):
        messages.append(
            Error(
                "MFA_TOTP_INSECURE_BYPASS_CODE is set: that code passes every second factor.",
                hint="Remove MFA_TOTP_INSECURE_BYPASS_CODE; it is for automated tests only.",
                id="bastion.E051",
            )
        )
    if getattr(settings, "MFA_TRUST_ENABLED", False):
        messages.append(
            Warning(
                "A browser can be trusted to skip the second factor for weeks.",
                hint="Set MFA_TRUST_ENABLED = False: a stolen password then needs the factor.",
                id="bastion.W186",
            )
        )
    messages.extend(_passkey_hosts())
    return messages


def _outside_relying_party(rp_id: str, hosts: Iterable[str]) -> list[str]:
    """The allowed hosts where a passkey for `rp_id` cannot be used (nor made)."""
    rp_id = rp_id.lower()
    outside = []
    for host in hosts:
        name = host.lstrip(".").lower()
        if name in LOCAL_HOSTS or name == "*":
            continue
        if name != rp_id and not name.endswith("." + rp_id):
            outside.append(host)
    return outside


def _passkey_hosts() -> list[CheckMessage]:
    if "webauthn" not in getattr(settings, "MFA_SUPPORTED_TYPES", []):
        return []
    hosts = list(settings.ALLOWED_HOSTS)
    messages: list[CheckMessage] = []
    if "*" in hosts:
        messages.append(
            Warning(
                "Passkeys take their site from the Host header, and ALLOWED_HOSTS accepts "
                "any host.",
                hint="List the site's own host names in ALLOWED_HOSTS.",
                id="bastion.W187",
            )
        )
    rp_id = getattr(settings, "PASSKEY_RP_ID", None)
    outside = _outside_relying_party(rp_id, hosts) if rp_id else []
    if outside:
        messages.append(
            Warning(
                f"PASSKEY_RP_ID is {rp_id!r}, so passkeys fail on {', '.join(outside)} "
                "(a passkey's site must be the host or a domain above it).",
                hint="Set PASSKEY_RP_ID to a domain every host in ALLOWED_HOSTS is under, or "
                "None (each host its own).",
                id="bastion.W188",
            )
        )
    return messages
