"""
Limits on what one request may cost: errors that skip the 500 page, upload sizes (W033, W034).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_errors_and_limits(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if settings.DEBUG_PROPAGATE_EXCEPTIONS:
        messages.append(
            Warning(
                "DEBUG_PROPAGATE_EXCEPTIONS is on: errors skip the 500 page and Django's "
                "error logging, and reach the server as they are.",
                hint="Remove DEBUG_PROPAGATE_EXCEPTIONS (it is meant for tests).",
                id="bastion.W033",
            )
        )
    removed = [
        name
        for name in (
            "DATA_UPLOAD_MAX_MEMORY_SIZE",
            "DATA_UPLOAD_MAX_NUMBER_FIELDS",
            "DATA_UPLOAD_MAX_NUMBER_FILES",
        )
        if getattr(settings, name) is None
    ]
    if removed:
        messages.append(
            Warning(
                f"{', '.join(removed)} set to None: one request can fill the memory.",
                hint="Keep a limit; raise it for the one view that needs more.",
                id="bastion.W034",
            )
        )
    return messages
