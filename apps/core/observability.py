"""Ties error reports to log lines: each Sentry event carries the request's id."""

from __future__ import annotations

from sentry_sdk.types import Event, Hint


def tag_request_id(event: Event, hint: Hint) -> Event:
    """sentry-sdk's before_send hook: tag the event with the id on this request's log lines."""
    from django_guid import get_guid  # imported late: settings are still loading at init

    request_id = get_guid()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event
