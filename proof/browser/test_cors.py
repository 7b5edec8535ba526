"""Other origins may read the JSON API only when listed, and never anything else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from proof.harness.browser import Tab
from proof.site.models import Note

pytestmark = pytest.mark.browser

# A page of another web site that tries to read the app's responses.
READER = """<!doctype html><title>Reader</title>
<script>
async function read(url, credentials) {
  try {
    const response = await fetch(url, {credentials});
    return {read: true, status: response.status, body: await response.text()};
  } catch (error) {
    return {read: false, error: error.name};
  }
}
</script>"""


# The proof site's JSON API, under /api/ where the project's CORS settings apply.
API = "/api/proof/notes/"
NO_ALLOW_ORIGIN = ["No 'Access-Control-Allow-Origin' header is present on the requested resource."]


def _read(tab: Tab, url: str, credentials: str = "same-origin") -> dict[str, Any]:
    result: dict[str, Any] = tab.page.evaluate("([url, c]) => read(url, c)", [url, credentials])
    return result


@pytest.fixture
def reader(
    live_server: LiveServer, other_origin: Callable[..., str], tab: Tab, settings: Settings
) -> Tab:
    """A tab on a second loopback origin, which the app lists in CORS_ALLOWED_ORIGINS."""
    Note.objects.create(text="Readable across origins")
    url = other_origin(READER)
    settings.CORS_ALLOWED_ORIGINS = [url.rstrip("/")]
    tab.page.goto(url)
    return tab


def test_api_is_readable_from_an_allowed_origin(live_server: LiveServer, reader: Tab) -> None:
    result = _read(reader, live_server.url + API)

    assert result["read"] is True
    assert "Readable across origins" in result["body"]


def test_api_is_unreadable_from_an_origin_not_listed(
    live_server: LiveServer,
    reader: Tab,
    open_tab: Callable[..., Tab],
    other_origin: Callable[..., str],
) -> None:
    stranger = open_tab()
    stranger.page.goto(other_origin(READER))

    api = live_server.url + API
    assert _read(stranger, api) == {"read": False, "error": "TypeError"}
    stranger.settle()
    assert _blocked_because(stranger, api) == NO_ALLOW_ORIGIN
    assert _read(reader, api)["read"] is True


@pytest.mark.parametrize("allowed", [False, True])
def test_credentialed_api_read_needs_cors_allow_credentials(
    live_server: LiveServer, reader: Tab, settings: Settings, allowed: bool
) -> None:
    settings.CORS_ALLOW_CREDENTIALS = allowed

    api = live_server.url + API

    result = _read(reader, api, credentials="include")
    reader.settle()

    assert result["read"] is allowed
    assert bool(_blocked_because(reader, api)) is not allowed


@pytest.mark.parametrize("path", ["/", "/proof/form/", "/healthz", "/accounts/login/"])
def test_pages_outside_the_api_never_get_cors_headers(
    live_server: LiveServer, reader: Tab, path: str
) -> None:
    result = _read(reader, live_server.url + path)
    reader.settle()

    assert result == {"read": False, "error": "TypeError"}
    assert _blocked_because(reader, live_server.url + path) == NO_ALLOW_ORIGIN


def _blocked_because(tab: Tab, url: str) -> list[str]:
    """Chromium's console explains each refused read; a developer sees this line."""
    prefix = f"Access to fetch at '{url}' from origin "
    return [
        error.partition("has been blocked by CORS policy: ")[2]
        for error in tab.console_errors
        if error.startswith(prefix)
    ]
