"""
Host names: which hosts the site answers and which origins it trusts (W024, W025).

A wildcard is judged against the Public Suffix List: `.example.com` is one
owner's, `.com` and `*.herokuapp.com` are anyone's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

from apps.core.checks.public_suffixes import icann_suffixes, public_suffixes


def _wildcard_base(origin: str) -> str | None:
    host = origin.split("://", 1)[-1].split(":", maxsplit=1)[0]
    return host[2:] if host.startswith("*.") else ("" if host == "*" else None)


@register(Tags.security, deploy=True)
def check_hosts(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    hosts = [
        host
        for host in settings.ALLOWED_HOSTS
        if host == "*" or (host.startswith(".") and icann_suffixes().is_public(host[1:].lower()))
    ]
    if hosts:
        messages.append(
            Warning(
                f"ALLOWED_HOSTS accepts any host name: {', '.join(hosts)}.",
                hint=(
                    "Links in e-mails (password resets) are built from the Host header: "
                    "list your domains, or .herokuapp.com on Heroku."
                ),
                id="bastion.W024",
            )
        )
    origins = [
        origin
        for origin in settings.CSRF_TRUSTED_ORIGINS
        if (base := _wildcard_base(origin)) is not None
        and (not base or public_suffixes().is_public(base))
    ]
    if origins:
        messages.append(
            Warning(
                "CSRF_TRUSTED_ORIGINS trusts every site under a public suffix: "
                f"{', '.join(origins)}.",
                hint="Anyone can own a name under it: list your own origins exactly.",
                id="bastion.W025",
            )
        )
    return messages
