"""gunicorn's logger, with the access log's values escaped so a request logs one record.

gunicorn writes the request's path, query and headers into the access log as they
arrived (the path already percent-decoded): `%0A` in a path would start a forged log
line, `%1B` would send escape sequences to an operator's terminal, and `"` would end a
quoted logfmt field early. Each such character is written as `\\xNN` instead.
Every value then passes through the project's scrubber (apps/core/scrub.py): a
password-reset link, a secret-looking query parameter or an address in the request line
is masked, and the Referer loses its query string.
gunicorn.conf.py names this class in `logger_class`, gunicorn's documented hook.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn import glogging

from apps.core.scrub import scrub, strip_query

# C0 controls, DEL, C1 controls, the Unicode line and paragraph separators, and the two
# characters that would end or escape a quoted logfmt value.
UNSAFE = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029"\\\\]')


def escape(value: str) -> str:
    """The value with every unsafe character as a visible \\xNN (or \\uNNNN) escape."""
    return UNSAFE.sub(lambda match: _code(match.group()), value)


def scrubbed(key: str, value: str) -> str:
    """An access-log atom with secrets masked; the query string is scrubbed as one."""
    if key == "f":
        return strip_query(value)
    if key == "q":
        return scrub(f"?{value}")[1:]
    return scrub(value)


def _code(character: str) -> str:
    point = ord(character)
    return f"\\x{point:02x}" if point <= 0xFF else f"\\u{point:04x}"


# gunicorn ships no type information, so its Logger is Any to mypy.
class AccessLogger(glogging.Logger):  # type: ignore[misc]
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: escape(scrubbed(key, value)) if isinstance(value, str) else value
            for key, value in atoms.items()
        }
