"""Tests of apps.core.checks, one file per module."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.checks import CheckMessage


def ids(messages: Iterable[CheckMessage]) -> set[str]:
    """The ids of these findings, which is what an owner silences and a test asserts."""
    return {str(message.id) for message in messages}
