"""
Response headers Django sets from settings: Referrer-Policy and COOP (W031, W032).

Each is judged as the browser applies it: of several referrer policies, the
last one the browser knows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

# Referrer policies that never send a path to another site (the browser default
# is strict-origin-when-cross-origin); browsers obey the last one they know.
STRONG_REFERRER_POLICIES = frozenset(
    {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
)
KNOWN_REFERRER_POLICIES = STRONG_REFERRER_POLICIES | {
    "no-referrer-when-downgrade",
    "origin",
    "origin-when-cross-origin",
    "unsafe-url",
}


def _referrer_policy() -> str | None:
    value = settings.SECURE_REFERRER_POLICY
    if value is None:
        return None
    tokens = value.split(",") if isinstance(value, str) else list(value)
    known = [
        token.strip().lower()
        for token in tokens
        if token.strip().lower() in KNOWN_REFERRER_POLICIES
    ]
    return known[-1] if known else "(none the browser knows)"


@register(Tags.security, deploy=True)
def check_headers(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    policy = _referrer_policy()
    if policy is not None and policy not in STRONG_REFERRER_POLICIES:
        messages.append(
            Warning(
                f"The Referrer-Policy browsers apply is {policy}: full URLs leak to other sites.",
                hint="Set SECURE_REFERRER_POLICY to 'same-origin' (or 'strict-origin').",
                id="bastion.W031",
            )
        )
    coop = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
    if coop is None or str(coop).lower() == "unsafe-none":
        messages.append(
            Warning(
                "Cross-Origin-Opener-Policy is unsafe-none: a page this site opens, or one "
                "that opens it, keeps a handle on its window.",
                hint="Set SECURE_CROSS_ORIGIN_OPENER_POLICY to 'same-origin'.",
                id="bastion.W032",
            )
        )
    return messages
