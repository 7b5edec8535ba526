"""gunicorn's logger, with the access log's values escaped so a request logs one record.

gunicorn writes the request's path, query and headers into the access log as they
arrived (the path already percent-decoded): `%0A` in a path would start a forged log
line, `%1B` would send escape sequences to an operator's terminal, and `"` would end a
quoted logfmt field early. Each such character is written as `\\xNN` instead.
Every value then passes through the project's scrubber (apps/core/scrub.py): a
password-reset link, a secret-looking query parameter or an address in the request line
is masked, and the Referer loses its query string.

Only the atoms `access_log_format` names are worked out, escaped and handed on.
gunicorn's own `atoms()` builds every atom it documents for every request (one per
request header, response header and environ variable besides, about 60), which in a
running server cost about 30 µs of a `/healthz` request's 530. The atoms of gunicorn's
table are worked out here as gunicorn does, only when named (`_ATOMS`; the tests compare
each with gunicorn's); a format naming one this module does not know (`%(t)s`, `%(u)s`)
gets gunicorn's own. gunicorn.conf.py names this class in `logger_class`, gunicorn's
documented hook.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from gunicorn import glogging

from apps.core.log import escape
from apps.core.scrub import scrub, strip_query

# `%(name)s` in the format; gunicorn looks `{header}i`, `{header}o` and `{var}e` up in lower case.
_ATOM = re.compile(r"%\(([^)]*)\)")


def logged_atoms(access_log_format: str) -> frozenset[str]:
    """The atoms a format writes, as keys of gunicorn's atoms."""
    return frozenset(
        name.lower() if name.startswith("{") else name for name in _ATOM.findall(access_log_format)
    )


def scrubbed(key: str, value: str) -> str:
    """An access-log atom with secrets masked; the query string is scrubbed as one."""
    if key == "f":
        return strip_query(value)
    if key == "q":
        return scrub(f"?{value}")[1:]
    return scrub(value)


Atom = Callable[[Any, dict[str, Any], timedelta], object]

# gunicorn's documented atoms that need neither the logger nor the request's headers, as
# gunicorn's Logger.atoms() works each out from the response, the environ and the time.
_ATOMS: dict[str, Atom] = {
    "h": lambda resp, environ, took: environ.get("REMOTE_ADDR", "-"),
    "l": lambda resp, environ, took: "-",
    "r": lambda resp, environ, took: (
        f"{environ['REQUEST_METHOD']} {environ['RAW_URI']} {environ['SERVER_PROTOCOL']}"
    ),
    "s": lambda resp, environ, took: (
        resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
    ),
    "m": lambda resp, environ, took: environ.get("REQUEST_METHOD"),
    "U": lambda resp, environ, took: environ.get("PATH_INFO"),
    "q": lambda resp, environ, took: environ.get("QUERY_STRING"),
    "H": lambda resp, environ, took: environ.get("SERVER_PROTOCOL"),
    "b": lambda resp, environ, took: (
        str(resp.sent) if getattr(resp, "sent", None) is not None else "-"
    ),
    "B": lambda resp, environ, took: getattr(resp, "sent", None),
    "f": lambda resp, environ, took: environ.get("HTTP_REFERER", "-"),
    "a": lambda resp, environ, took: environ.get("HTTP_USER_AGENT", "-"),
    "T": lambda resp, environ, took: took.seconds,
    "D": lambda resp, environ, took: took.seconds * 1000000 + took.microseconds,
    "M": lambda resp, environ, took: took.seconds * 1000 + int(took.microseconds / 1000),
    "L": lambda resp, environ, took: f"{took.seconds}.{took.microseconds:06d}",
    "p": lambda resp, environ, took: f"<{os.getpid()}>",
}
# `{name}i`, `{name}o` and `{name}e`: a request header, a response header, an environ variable.
_NAMED = re.compile(r"\{(.*)\}([ioe])")


def _pairs(headers: Any) -> Iterable[tuple[str, Any]]:
    """A message's headers as (name, value) pairs, as gunicorn's atoms() reads them."""
    headers = getattr(headers, "headers", headers)
    return headers.items() if hasattr(headers, "items") else headers  # type: ignore[no-any-return]


def _named(pairs: Iterable[tuple[str, Any]], wanted: dict[str, str], atoms: dict[str, Any]) -> None:
    """Each wanted name's value (the last, as gunicorn keeps) under its atom's key."""
    for name, value in pairs:
        key = wanted.get(name.lower())
        if key is not None:
            atoms[key] = value


# gunicorn ships no type information, so its Logger is Any to mypy.
class AccessLogger(glogging.Logger):  # type: ignore[misc]
    def setup(self, cfg: Any) -> None:
        # gunicorn calls setup() at start and again when a reload (SIGHUP) rereads the config.
        super().setup(cfg)
        self.logged = logged_atoms(cfg.access_log_format)
        self.plain = tuple((key, _ATOMS[key]) for key in sorted(self.logged) if key in _ATOMS)
        named: dict[str, dict[str, str]] = {"i": {}, "o": {}, "e": {}}
        for key in self.logged:
            if match := _NAMED.fullmatch(key):
                named[match.group(2)][match.group(1)] = key
        self.request_headers, self.response_headers, self.environ_variables = named.values()
        # A format naming an atom this module does not work out gets gunicorn's atoms().
        self.own = len(self.plain) + sum(map(len, named.values())) == len(self.logged)

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        if self.own:
            atoms = {key: atom(resp, environ, request_time) for key, atom in self.plain}
            if self.request_headers:
                _named(_pairs(req), self.request_headers, atoms)
            if self.response_headers:
                _named(_pairs(resp.headers), self.response_headers, atoms)
            if self.environ_variables:
                _named(environ.items(), self.environ_variables, atoms)
        else:
            every = super().atoms(resp, req, environ, request_time)
            atoms = {key: every[key] for key in self.logged if key in every}
        return {
            key: escape(scrubbed(key, value)) if isinstance(value, str) else value
            for key, value in atoms.items()
        }
