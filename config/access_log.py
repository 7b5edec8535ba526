"""gunicorn's logger, with the access log's values escaped so a request logs one record.

gunicorn writes the request's path, query and headers into the access log as they
arrived (the path already percent-decoded): `%0A` in a path would start a forged log
line, `%1B` would send escape sequences to an operator's terminal, and `"` would end a
quoted logfmt field early. Each such character is written as `\\xNN` instead.
Every value then passes through the project's scrubber (apps/core/scrub.py): a
password-reset link, a secret-looking query parameter or an address in the request line
is masked, and the Referer loses its query string.

Only the atoms `access_log_format` names are escaped and handed on: gunicorn offers
every request header, response header and environ variable as one (about 40 per
request), and scrubbing the ones no line shows was most of the access log's cost.
gunicorn.conf.py names this class in `logger_class`, gunicorn's documented hook.
"""

from __future__ import annotations

import re
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


# gunicorn ships no type information, so its Logger is Any to mypy.
class AccessLogger(glogging.Logger):  # type: ignore[misc]
    def setup(self, cfg: Any) -> None:
        # gunicorn calls setup() at start and again when a reload (SIGHUP) rereads the config.
        super().setup(cfg)
        self.logged = logged_atoms(cfg.access_log_format)

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: escape(scrubbed(key, value)) if isinstance(value, str) else value
            for key, value in ((key, atoms[key]) for key in self.logged if key in atoms)
        }
