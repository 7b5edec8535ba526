"""The log formats LOG_FORMAT names: one line per record, whatever the record holds.

A message, an argument or a traceback can carry line breaks or terminal escapes
(a user's input, a header, an exception's text). Written raw, they would split
a record over several lines, and a forged line would look like a real one.
`escape` writes them visibly, for these lines and for gunicorn's access log
(config/access_log.py).
Both formats pass what they write through the project's scrubber (apps/core/scrub.py).
"""

from __future__ import annotations

import logging
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from apps.core.scrub import scrub, scrub_all

# The characters that end a line for str.splitlines() and log viewers, the other C0
# and C1 controls (terminal escapes among them), DEL, and the Unicode separators.
CONTROL = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029]


def _code(point: int) -> str:
    return f"\\x{point:02x}" if point <= 0xFF else f"\\u{point:04x}"


# Inside a quoted logfmt value (gunicorn's access log), the quote and the backslash
# would end or escape it: they are written as codes like every control.
QUOTED_ESCAPES = {point: _code(point) for point in [*CONTROL, ord('"'), ord("\\")]}
# In a line of the app's own log, the usual controls keep their usual names, and a
# backslash is doubled, so an escape written by a client reads as text.
LINE_ESCAPES = {
    **{point: _code(point) for point in CONTROL},
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
    ord("\\"): "\\\\",
}


def escape(text: str, *, quoted: bool = True) -> str:
    """The text on one line, every character that could end or forge a log line visible.

    By default for a quoted logfmt value (`\\xNN` or `\\uNNNN`); quoted=False for a line.
    """
    # Most text needs nothing, and str.translate looks up every character even so (8 µs
    # for a browser's User-Agent). Every character the tables escape is unprintable, or
    # the backslash, or the quote: text without any is returned as it is.
    if text.isprintable() and "\\" not in text and not (quoted and '"' in text):
        return text
    return text.translate(QUOTED_ESCAPES if quoted else LINE_ESCAPES)


PLAIN_FORMAT = "level={levelname} logger={name} request_id={request_id} {message}"
JSON_FIELDS = ["levelname", "name", "message", "request_id"]
# Django attaches the request object to django.request records; its repr adds nothing
# the message and the request id do not say, and it quotes the query string.
JSON_RESERVED = [*RESERVED_ATTRS, "request"]


class PlainFormatter(logging.Formatter):
    """`level=... logger=... request_id=... message`, on one line, tracebacks included."""

    def __init__(self) -> None:
        super().__init__(PLAIN_FORMAT, style="{")

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        record.request_id = request_id or "-"
        try:
            return escape(scrub(super().format(record)), quoted=False)
        finally:
            record.request_id = request_id


class ScrubbedJsonFormatter(JsonFormatter):
    """python-json-logger's formatter, every value scrubbed (its documented hook)."""

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        scrubbed: dict[str, Any] = scrub_all(super().process_log_record(log_data))
        return scrubbed


def json_formatter() -> JsonFormatter:
    """One JSON object per line: level, logger, message, request_id, and any extra fields.

    json.dumps escapes every control character and, with ensure_ascii, U+2028/9.
    """
    return ScrubbedJsonFormatter(
        JSON_FIELDS,
        rename_fields={"levelname": "level", "name": "logger"},
        reserved_attrs=JSON_RESERVED,
    )
