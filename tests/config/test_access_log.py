"""The access log writes one record per request, whatever bytes the request carried."""

from __future__ import annotations

import re
import runpy
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn import glogging
from gunicorn.config import Config

from apps.core.log import escape
from config.access_log import _ATOMS, AccessLogger, scrubbed
from tests.support.settings import REPO


def access_line(
    path: str, query: str = "", user_agent: str = "curl/8", log_format: str | None = None
) -> str:
    """The line gunicorn.conf.py's access log format (or `log_format`) writes for one request."""
    config = Config()
    for name, value in runpy.run_path(str(REPO / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    if log_format is not None:
        config.set("access_log_format", log_format)
    logger = AccessLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_USER_AGENT": user_agent,
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=2)
    request = SimpleNamespace(headers=[("USER-AGENT", user_agent), ("X-REQUEST-ID", "r1")])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=3))
    line: str = config.access_log_format % logger.atoms_wrapper_class(atoms)
    return line


def test_gunicorn_conf_names_the_escaping_logger() -> None:
    assert runpy.run_path(str(REPO / "gunicorn.conf.py"))["logger_class"] == (
        "config.access_log.AccessLogger"
    )


def test_a_newline_in_the_path_cannot_forge_a_second_record() -> None:
    line = access_line('/x\nmethod=GET path="/admin/" status=200')

    assert "\n" not in line
    assert 'path="/x\\x0amethod=GET path=\\x22/admin/\\x22 status=200"' in line
    assert re.fullmatch(r'method=GET path="[^"]*" status=200 bytes=2 .*', line)


@pytest.mark.parametrize(
    ("raw", "logged"),
    [
        ("\x1b[2J", "\\x1b[2J"),
        ("\r", "\\x0d"),
        ("\x00", "\\x00"),
        ("\x7f", "\\x7f"),
        ("\x9b", "\\x9b"),
        ("\u2028", "\\u2028"),
        ('"', "\\x22"),
        ("\\", "\\x5c"),
        ("/caf\u00e9/", "/caf\u00e9/"),
    ],
)
def test_control_characters_and_quotes_are_escaped(raw: str, logged: str) -> None:
    assert escape(raw) == logged


def test_headers_are_escaped_too() -> None:
    line = access_line("/", user_agent='evil"\x1b]0;owned\x07')

    assert 'user_agent="evil\\x22\\x1b]0;owned\\x07"' in line


def test_a_password_reset_link_and_a_secret_parameter_are_masked() -> None:
    line = access_line("/admin/reset/MQ/cz7x1k-4f0e9a2b/", query="token=t0k3n&page=2")

    assert "cz7x1k-4f0e9a2b" not in line
    assert "t0k3n" not in line
    assert "/admin/reset/********/********/" in line


def test_an_owners_format_is_escaped_whatever_atoms_it_names() -> None:
    # Only the atoms a format names are escaped, so a header named in any case, the
    # request line and an environ variable must each be found and escaped.
    line = access_line(
        "/x\ny",
        user_agent="a\nb",
        log_format='%(r)s ua="%({User-Agent}i)s" path="%({path_info}e)s" id=%({X-Request-Id}i)s',
    )

    assert "\n" not in line
    assert line == 'GET /x\\x0ay HTTP/1.1 ua="a\\x0ab" path="/x\\x0ay" id=r1'


def every_atom_format() -> str:
    """A format naming every atom of gunicorn's table this module works out, and headers."""
    atoms = [f"%({key})s" for key in _ATOMS]
    named = ["%({X-Forwarded-For}i)s", "%({x-request-id}o)s", "%({Missing}i)s", "%({HTTP_HOST}e)s"]
    return " ".join([*atoms, *named])


@pytest.mark.parametrize(
    ("status", "sent", "forwarded"),
    [
        ("200 OK", 2, [("X-FORWARDED-FOR", "203.0.113.9")]),
        # Two of one header: gunicorn logs the last, and so must this.
        (404, None, [("X-FORWARDED-FOR", "10.0.0.1"), ("X-Forwarded-For", "203.0.113.9\n")]),
        ("500 INTERNAL SERVER ERROR", 0, []),
    ],
)
def test_every_atom_is_what_gunicorns_own_atoms_give(
    status: object, sent: int | None, forwarded: list[tuple[str, str]]
) -> None:
    # The atoms are worked out here only for speed: each must equal gunicorn's own,
    # escaped and scrubbed alike, or an upgrade of gunicorn changed what one means.
    config = Config()
    config.set("access_log_format", every_atom_format())
    logger = AccessLogger(config)
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/caf%C3%A9/?token=t0k3n",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/caf\u00e9/",
        "QUERY_STRING": "token=t0k3n&page=2",
        "HTTP_USER_AGENT": 'evil"\x1b',
        "HTTP_REFERER": "https://example.com/reset/?code=1",
        "HTTP_HOST": "example.com",
        "REMOTE_ADDR": "10.1.2.3",
    }
    request = SimpleNamespace(headers=[("HOST", "example.com"), *forwarded])
    response = SimpleNamespace(
        status=status, sent=sent, headers=[("Content-Type", "text/html"), ("X-Request-ID", "r1")]
    )
    took = timedelta(seconds=1, microseconds=2345)

    ours = logger.atoms(response, request, environ, took)
    every = glogging.Logger.atoms(logger, response, request, environ, took)
    theirs = {
        key: escape(scrubbed(key, value)) if isinstance(value, str) else value
        for key, value in every.items()
        if key in logger.logged
    }

    assert logger.own
    assert ours == theirs
    absent = {"{missing}i"} | (set() if forwarded else {"{x-forwarded-for}i"})
    assert set(ours) == logger.logged - absent


def test_a_format_naming_atoms_worked_out_by_gunicorn_alone_gets_them() -> None:
    line = access_line("/x\ny", log_format='%(t)s user=%(u)s path="%(U)s"')

    assert re.fullmatch(r'\[[^]]+\] user=- path="/x\\x0ay"', line)
