"""One scrubber for everything that leaves the process.

Error mail, Sentry events and transactions, gunicorn's access log and the app's own log
lines pass their text through `scrub`, so one denylist and one rule for URLs decide
what is masked everywhere:

- the user and password in any URL-shaped value (`redis://:pw@host`, a DSN, a broker);
- the value of a query parameter whose name looks secret (`?reset_token=...`);
- e-mail addresses;
- the two secret segments of a password-reset link (`/reset/<uid>/<token>/`).

`strip_query` drops a URL's query string altogether, for values such as the Referer
header whose query is another site's business. Plain `re`, nothing imported from
Django: gunicorn's master process loads this before Django is set up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

MASK = "********"

# Names that say a value is secret. Matched anywhere in a name, case-insensitively: the
# same list serves query parameters, settings and mapping keys.
SECRET_NAMES = re.compile(
    r"pass|pwd|secret|token|key|auth|sign|session|csrf|cookie|otp|dsn|credential|private",
    re.IGNORECASE,
)

_USERINFO = re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)[^/?#@\s\"'<>]+@", re.IGNORECASE)
_QUERY_PARAM = re.compile(r"(?P<name>(?:^|[?&;])[^=&;#\s\"'<>]+=)(?P<value>[^&;#\s\"'<>]*)")
_EMAIL = re.compile(r"\b[\w.+-]+@(?P<domain>[\w-]+(?:\.[\w-]+)+)")
_RESET_LINK = re.compile(r"/reset/[^/?#\s\"'<>]+/[^/?#\s\"'<>]+/")


def scrub(text: str) -> str:
    """The text with secrets in URLs, secret-looking parameters and addresses masked."""
    # Each rule needs one of these; most values (a path, a user agent) carry none of them.
    if not text or ("@" not in text and "=" not in text and "/reset/" not in text):
        return text
    text = _USERINFO.sub(rf"\g<scheme>{MASK}@", text)
    text = _QUERY_PARAM.sub(_mask_secret_param, text)
    text = _EMAIL.sub(rf"{MASK}@\g<domain>", text)
    return _RESET_LINK.sub(f"/reset/{MASK}/{MASK}/", text)


def _mask_secret_param(match: re.Match[str]) -> str:
    name = match.group("name")
    return f"{name}{MASK}" if SECRET_NAMES.search(name) else match.group()


def strip_query(url: str) -> str:
    """The URL without its query string or fragment, scrubbed."""
    return scrub(url.split("?", 1)[0].split("#", 1)[0])


def scrub_all(value: Any, scrub_text: Callable[[str], str] = scrub) -> Any:
    """A copy of a JSON-like value with every string in it scrubbed."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {key: scrub_all(item, scrub_text) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub_all(item, scrub_text) for item in value)
    return value
