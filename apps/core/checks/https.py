"""
HTTPS: what USE_SSL promises a visitor (W001, E010, W011, E023).

USE_SSL says the site is a public HTTPS deployment: without it there is no
redirect, no Secure cookie and no HSTS; with it, Django's debug pages and
plain-HTTP trusted origins have no place. The HSTS stages: docs/hsts.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

ONE_YEAR = 31536000


@register(Tags.security, deploy=True)
def check_https(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if not settings.USE_SSL:
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
    insecure = [
        origin for origin in settings.CSRF_TRUSTED_ORIGINS if not origin.startswith("https://")
    ]
    messages += plain_http_origins(
        "CSRF_TRUSTED_ORIGINS",
        insecure,
        hint="List only https:// origins in CSRF_TRUSTED_ORIGINS when USE_SSL is on.",
        check_id="bastion.W011",
    )
    return messages


def plain_http_origins(
    setting: str, insecure: list[str], *, hint: str, check_id: str
) -> list[CheckMessage]:
    """Name a setting's origins that are not HTTPS, once USE_SSL says the site is."""
    if not (settings.USE_SSL and insecure):
        return []
    return [
        Warning(
            f"{setting} holds origins that are not HTTPS: {', '.join(insecure)}.",
            hint=hint,
            id=check_id,
        )
    ]


@register(Tags.security)
def check_debug_under_ssl(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if settings.DEBUG and settings.USE_SSL:
        return [
            Error(
                "DEBUG is on while USE_SSL says this is a public HTTPS deployment: "
                "error pages would show code, settings and SQL to anyone.",
                hint="Set DEBUG=false (it is the default).",
                id="bastion.E023",
            )
        ]
    return []
