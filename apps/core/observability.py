"""What Sentry is sent: each event tied to its log lines, and nothing a visitor can flood or read.

- A request refused as suspicious (django.security: a Host outside ALLOWED_HOSTS, too
  many fields, too large a body) is anyone's to send, so it never becomes an event.
- Every string of an event or a transaction passes through the project's scrubber
  (apps/core/scrub.py); URLs Sentry keeps apart from the query string lose their query:
  the request's URL, `extra.request` (Django's `extra={"request": request}`) and the
  Referer header.
"""

from __future__ import annotations

from typing import Any

from sentry_sdk.types import Event, Hint

from apps.core.scrub import scrub, scrub_all, strip_query

SUSPICIOUS_LOGGERS = "django.security*"


def before_send(event: Event, hint: Hint) -> Event | None:
    """sentry-sdk's before_send hook: drop suspicious-request noise, tag and scrub the rest."""
    if str(event.get("logger") or "").startswith("django.security"):
        return None
    return scrub_event(tag_request_id(event))


def before_send_transaction(event: Event, hint: Hint) -> Event:
    """sentry-sdk's before_send_transaction hook: the same scrubbing as for events."""
    return scrub_event(event)


def tag_request_id(event: Event) -> Event:
    """Tag the event with the id on this request's log lines."""
    from django_guid import get_guid  # imported late: settings are still loading at init

    request_id = get_guid()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def scrub_event(event: Event) -> Event:
    data: dict[str, Any] = dict(event)
    request = data.get("request")
    if isinstance(request, dict):
        data["request"] = _scrub_request(request)
    extra = data.get("extra")
    if isinstance(extra, dict) and "request" in extra:
        data["extra"] = {**extra, "request": strip_query(str(extra["request"]))}
    scrubbed: Event = scrub_all(data)
    return scrubbed


def _scrub_request(request: dict[str, Any]) -> dict[str, Any]:
    request = {**request}
    if isinstance(request.get("url"), str):
        request["url"] = strip_query(request["url"])
    if isinstance(request.get("query_string"), str):
        request["query_string"] = scrub("?" + request["query_string"])[1:]
    headers = request.get("headers")
    if isinstance(headers, dict):
        request["headers"] = {
            name: strip_query(value)
            if name.lower() == "referer" and isinstance(value, str)
            else value
            for name, value in headers.items()
        }
    return request
