"""Reading a JSON request body that anyone may send: bounded, typed, and cheap to refuse.

The CSP report endpoint and the JSON API read bodies the same way: the media type
first, then a Content-Length of ASCII digits (411 without one, so a chunked body is
never read), then at most `max_bytes` (413 above it), then JSON (400 if it is not).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest


class BodyRefused(Exception):
    """The body cannot be read: the status to answer with and what the client should send."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def read_json(request: HttpRequest, *, media_types: Collection[str], max_bytes: int) -> Any:
    """The body's JSON value, or BodyRefused with its 415, 411, 413 or 400."""
    if request.content_type not in media_types:
        expected = " or ".join(sorted(media_types))
        raise BodyRefused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"send the body as {expected}")
    length = request.headers.get("Content-Length", "")
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not (length.isascii() and length.isdigit()):
        raise BodyRefused(HTTPStatus.LENGTH_REQUIRED, "send a Content-Length header")
    # Leading zeros aside, more digits than the limit has is too large: int() never
    # sees a number longer than that.
    digits = length.lstrip("0") or "0"
    if len(digits) > len(str(max_bytes)) or int(digits) > max_bytes:
        raise BodyRefused(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"the body must be at most {max_bytes} bytes"
        )
    try:
        return json.loads(request.read(max_bytes))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BodyRefused(HTTPStatus.BAD_REQUEST, "the body is not valid JSON") from None
