"""
Bastion's own system checks.

Django's `check --deploy` knows nothing of CSP, CORS or how HTTPS is set up,
so these checks teach it. Ids are stable: silence one with
SILENCED_SYSTEM_CHECKS only with a written reason beside it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from apps.core import cors_rules, csp_rules

PLACEHOLDER_MARKERS = ("change-me", "changeme", "replace-me", "placeholder", "secret-key-here")
ONE_YEAR = 31536000
CSP_MIDDLEWARE = "csp.middleware.CSPMiddleware"


def secret_key_problem(key: str) -> str | None:
    """Say what is wrong with a SECRET_KEY, in Django's own terms, or None."""
    if not key:
        return "is not set"
    if any(marker in key.lower() for marker in PLACEHOLDER_MARKERS):
        return "is still the placeholder from .env.example"
    if key.startswith(SECRET_KEY_INSECURE_PREFIX):
        return f"starts with {SECRET_KEY_INSECURE_PREFIX!r}, which marks a development key"
    if len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return (
            f"is weak: it needs {SECRET_KEY_MIN_LENGTH}+ characters "
            f"and {SECRET_KEY_MIN_UNIQUE_CHARACTERS}+ different ones"
        )
    return None


@register(Tags.security)
def check_secret_key(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        key = ""
    problem = secret_key_problem(key)
    if problem is None:
        return []
    return [
        Error(
            f"SECRET_KEY {problem}, and DEBUG is off.",
            hint="Set SECRET_KEY to the output of `make secret-key` (Heroku generates one).",
            id="bastion.E001",
        )
    ]


@register(Tags.security, deploy=True)
def check_https(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if not getattr(settings, "USE_SSL", False):
        messages.append(
            Warning(
                "USE_SSL is off: no HTTPS redirect, no Secure cookies and no HSTS.",
                hint="Serve the site over HTTPS and set USE_SSL=true.",
                id="bastion.W001",
            )
        )
    if settings.SECURE_HSTS_PRELOAD and not (
        settings.SECURE_HSTS_SECONDS >= ONE_YEAR and settings.SECURE_HSTS_INCLUDE_SUBDOMAINS
    ):
        messages.append(
            Error(
                "HSTS preload is on without max-age of at least one year and includeSubDomains.",
                hint=(
                    "hstspreload.org refuses such a header. Set HSTS_PRELOAD=false, or reach "
                    "HSTS_STAGE=year with HSTS_INCLUDE_SUBDOMAINS=true first (docs/hsts.md)."
                ),
                id="bastion.E010",
            )
        )
    use_ssl = getattr(settings, "USE_SSL", False)
    insecure = [
        origin for origin in settings.CSRF_TRUSTED_ORIGINS if not origin.startswith("https://")
    ]
    if use_ssl and insecure:
        messages.append(
            Warning(
                f"CSRF_TRUSTED_ORIGINS holds origins that are not HTTPS: {', '.join(insecure)}.",
                hint="List only https:// origins in CSRF_TRUSTED_ORIGINS when USE_SSL is on.",
                id="bastion.W011",
            )
        )
    return messages


@register(Tags.security, deploy=True)
def check_cors(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    allow_all = getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False) or getattr(
        settings, "CORS_ORIGIN_ALLOW_ALL", False
    )
    if allow_all:
        messages.append(
            Warning(
                "CORS_ALLOW_ALL_ORIGINS lets every web site read the API's responses.",
                hint="Remove CORS_ALLOW_ALL_ORIGINS and list origins in CORS_ALLOWED_ORIGINS.",
                id="bastion.W002",
            )
        )
    origins = list(getattr(settings, "CORS_ALLOWED_ORIGINS", []))
    insecure = [origin for origin in origins if urlsplit(origin).scheme != "https"]
    if getattr(settings, "USE_SSL", False) and insecure:
        messages.append(
            Warning(
                f"CORS_ALLOWED_ORIGINS holds origins that are not HTTPS: {', '.join(insecure)}.",
                hint="A page served over plain HTTP can be altered in transit: list https:// only.",
                id="bastion.W003",
            )
        )
    regexes = list(getattr(settings, "CORS_ALLOWED_ORIGIN_REGEXES", []))
    if getattr(settings, "CORS_ALLOW_CREDENTIALS", False) and (
        allow_all or any(_is_wildcard_like(regex) for regex in regexes)
    ):
        messages.append(
            Warning(
                "CORS_ALLOW_CREDENTIALS is on with an origin pattern that matches any site.",
                hint="Anchor each regex (^https://app\\.example\\.com$) or turn credentials off.",
                id="bastion.W004",
            )
        )
    return messages


def _is_wildcard_like(pattern: str | re.Pattern[str]) -> bool:
    """True when a CORS origin regex would accept origins of unrelated sites."""
    try:
        return bool(cors_rules.accepted_look_alikes(pattern))
    except re.error:
        return True


@register(Tags.security, deploy=True)
def check_csp(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    enforced = getattr(settings, "CONTENT_SECURITY_POLICY", None)
    report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
    installed = any(_is_csp_middleware(path) for path in settings.MIDDLEWARE)
    if not installed or not enforced:
        if report_only and installed:
            return [
                Warning(
                    "The Content-Security-Policy is only reported, never enforced.",
                    hint="Keep an enforced CONTENT_SECURITY_POLICY; report-only is for trials.",
                    id="bastion.W006",
                )
            ]
        return [
            Warning(
                "No Content-Security-Policy is sent.",
                hint=f"Add {CSP_MIDDLEWARE} to MIDDLEWARE and set CONTENT_SECURITY_POLICY.",
                id="bastion.W005",
            )
        ]
    directives = enforced.get("DIRECTIVES", {})
    admin = {**directives, **getattr(settings, "ADMIN_CONTENT_SECURITY_POLICY_DIRECTIVES", {})}
    admin = {name: value for name, value in admin.items() if value is not None}
    site = list(csp_rules.policy_findings(directives))
    reported = {message.id for message in site}
    return [
        *site,
        *(
            m
            for m in csp_rules.policy_findings(admin, where=" of the admin")
            if m.id not in reported
        ),
        *csp_rules.excluded_prefixes(enforced),
        *csp_rules.decorated_views(),
    ]


def _is_csp_middleware(path: str) -> bool:
    """django-csp's middleware, or a subclass that extends it through get_policy_parts."""
    try:
        middleware = import_string(path)
    except ImportError:
        return False
    return isinstance(middleware, type) and issubclass(middleware, CSPMiddleware)


LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


@register(Tags.security, deploy=True)
def check_mail(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    remote = settings.EMAIL_HOST not in LOOPBACK_HOSTS
    encrypted = settings.EMAIL_USE_TLS or settings.EMAIL_USE_SSL
    if settings.EMAIL_BACKEND == SMTP_BACKEND and remote and not encrypted:
        # The host only: EMAIL_URL also holds the account's password.
        return [
            Warning(
                f"Mail to {settings.EMAIL_HOST} is sent without TLS: the SMTP password and "
                "every password-reset link cross the network in the clear.",
                hint=(
                    "Use submission://user:password@host:587 (STARTTLS) or "
                    "smtps://user:password@host:465 in EMAIL_URL."
                ),
                id="bastion.W120",
            )
        ]
    return []
