"""apps/core/log.py: LOG_FORMAT's two formats, one line per record whatever it holds."""

from __future__ import annotations

import json
import logging
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.core.log import LINE_ESCAPES, QUOTED_ESCAPES, PlainFormatter, escape, json_formatter

FORMATTERS = {"plain": PlainFormatter(), "json": json_formatter()}


def record(
    message: str, *args: object, request_id: str | None = "r-1", **extra: object
) -> logging.LogRecord:
    made = logging.LogRecord("bastion.test", logging.WARNING, __file__, 1, message, args, None)
    made.request_id = request_id
    for name, value in extra.items():
        setattr(made, name, value)
    return made


def failed_record() -> logging.LogRecord:
    try:
        raise ValueError("bad value\nlevel=ERROR logger=forged")
    except ValueError:
        made = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            ("/x",),
            sys.exc_info(),
        )
    made.request_id = "r-2"
    return made


def test_plain_names_level_logger_and_request_id() -> None:
    line = FORMATTERS["plain"].format(record("Not Found: %s", "/missing/"))

    assert line == "level=WARNING logger=bastion.test request_id=r-1 Not Found: /missing/"


def test_plain_writes_a_dash_outside_a_request() -> None:
    line = FORMATTERS["plain"].format(record("starting", request_id=None))

    assert line == "level=WARNING logger=bastion.test request_id=- starting"


def test_json_is_one_object_with_level_logger_message_request_id_and_extras() -> None:
    line = FORMATTERS["json"].format(record("blocked %s", "inline", directive="script-src"))

    assert json.loads(line) == {
        "level": "WARNING",
        "logger": "bastion.test",
        "message": "blocked inline",
        "request_id": "r-1",
        "directive": "script-src",
    }


def test_a_forged_line_in_a_message_stays_inside_its_record() -> None:
    forged = "hello\r\nlevel=ERROR logger=django.security request_id=- admin logged in"

    plain = FORMATTERS["plain"].format(record("%s", forged))
    as_json = FORMATTERS["json"].format(record("%s", forged))

    assert plain.splitlines() == [plain]
    assert plain.endswith(
        "hello\\r\\nlevel=ERROR logger=django.security request_id=- admin logged in"
    )
    assert json.loads(as_json)["message"] == forged


@pytest.mark.parametrize("name", FORMATTERS)
def test_a_traceback_is_part_of_its_one_line(name: str) -> None:
    line = FORMATTERS[name].format(failed_record())

    assert line.splitlines() == [line]
    assert "ValueError: bad value" in line
    if name == "json":
        parsed = json.loads(line)
        assert parsed["request_id"] == "r-2"
        assert "Traceback (most recent call last)" in parsed["exc_info"]
        assert "request" not in parsed


def test_terminal_escapes_are_shown_not_obeyed() -> None:
    line = FORMATTERS["plain"].format(record("%s", "\x1b[2J\x1b[31mred\x07\x00"))

    assert "\x1b" not in line
    assert line.endswith("\\x1b[2J\\x1b[31mred\\x07\\x00")


@pytest.mark.parametrize("name", FORMATTERS)
@given(text=st.text())
def test_any_text_makes_exactly_one_line(name: str, text: str) -> None:
    line = FORMATTERS[name].format(record("%s %s", text, text, request_id=text))

    assert line.splitlines() == [line]
    assert "\x1b" not in line
    if name == "json":
        assert json.loads(line)["message"] == f"{text} {text}"


@pytest.mark.parametrize(
    ("table", "quoted"), [(QUOTED_ESCAPES, True), (LINE_ESCAPES, False)], ids=["quoted", "line"]
)
def test_every_character_of_the_tables_is_escaped_amid_plain_text(
    table: dict[int, str], quoted: bool
) -> None:
    # escape() returns text that needs nothing as it is: each character a table escapes
    # must still be found among ordinary ones.
    for point, code in table.items():
        assert escape(f"Mozilla/5.0 {chr(point)} caf\u00e9", quoted=quoted) == (
            f"Mozilla/5.0 {code} caf\u00e9"
        )


def test_text_with_nothing_to_escape_is_returned_as_it_is() -> None:
    text = "GET /caf\u00e9/?page=2 Mozilla/5.0 (X11; Linux x86_64) 'quoted'"

    assert escape(text) is text
    assert escape(f'{text} "line"', quoted=False) == f'{text} "line"'
