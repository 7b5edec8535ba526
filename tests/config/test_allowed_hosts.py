"""ALLOWED_HOSTS takes what Django can match a request's host against, and nothing else."""

from __future__ import annotations

import pytest
from django.http.request import validate_host

from config.env import Env
from tests.support.settings import startup_refusal

# Each form Django's ALLOWED_HOSTS knows, with a host it lets in.
PATTERNS = {
    "www.example.com": "www.example.com",
    ".example.com": "shop.example.com",
    "EXAMPLE.org": "example.org",
    "localhost": "localhost",
    "192.0.2.10": "192.0.2.10",
    "[::1]": "[::1]",
    "*": "anything.example.net",
}


def test_a_url_stops_startup_with_the_host_to_write_instead(
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = startup_refusal(capsys, "ALLOWED_HOSTS", "https://example.com")

    assert line.startswith(
        "Configuration error: ALLOWED_HOSTS='https://example.com' is invalid "
        "('https://example.com' is not a host name or pattern; write example.com); expected "
    )


def test_the_line_names_the_bad_entry_among_good_ones(capsys: pytest.CaptureFixture[str]) -> None:
    line = startup_refusal(capsys, "ALLOWED_HOSTS", "www.example.com,example.com/shop")

    assert "('example.com/shop' is not a host name or pattern; write example.com)" in line


@pytest.mark.parametrize(("pattern", "host"), PATTERNS.items())
def test_every_form_django_matches_is_accepted_and_lets_its_host_in(
    monkeypatch: pytest.MonkeyPatch, pattern: str, host: str
) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", pattern)

    allowed = Env(_env_file=None).ALLOWED_HOSTS

    assert allowed == [pattern]
    assert validate_host(host, allowed)
