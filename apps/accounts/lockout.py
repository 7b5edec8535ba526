"""What django-axes counts a sign-in attempt against."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def attempted_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The address (or username) that was tried, lower-cased as allauth compares it.

    allauth passes `email` to the backends; Django's own forms and `manage.py` pass
    `username`; a locked-out form post is judged before any backend runs, from `login`.
    """
    for source in (credentials or {}, request.POST if request is not None else {}):
        for field in ("email", "username", "login"):
            value = source.get(field)
            if value:
                return str(value).strip().lower()
    return None
