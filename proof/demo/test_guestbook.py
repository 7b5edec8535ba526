"""The demo's guestbook in a real browser: it works and it escapes what visitors write."""

from __future__ import annotations

import pytest
from pytest_django.live_server_helper import LiveServer

from apps.demo import services
from proof.harness.browser import Tab

pytestmark = pytest.mark.browser

PAYLOAD = (
    '<script>window.__xss = 1; alert("script")</script>'
    "<img src=x onerror=\"window.__xss = 1; alert('img')\">"
)


def _sign(tab: Tab, live_server: LiveServer, name: str, message: str) -> None:
    page = tab.page
    page.goto(live_server.url + "/guestbook/")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Message").fill(message)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign").click()
    tab.settle()


def test_signing_puts_the_entry_at_the_top_and_counts_characters_as_you_type(
    live_server: LiveServer, tab: Tab
) -> None:
    services.message_create(name="Earlier", body="I was here first.")
    page = tab.page

    page.goto(live_server.url + "/guestbook/")
    counter = page.locator(".counter")
    # guestbook.js is a static file allowed by its nonce; the counter is its work.
    assert counter.inner_text() == "1000 characters left"
    page.get_by_label("Name").fill("Grace")
    page.get_by_label("Message").press_sequentially("Hello, world")
    assert counter.inner_text() == "988 characters left"
    with page.expect_navigation():
        page.get_by_role("button", name="Sign").click()
    tab.settle()

    assert page.url == live_server.url + "/guestbook/"
    assert page.locator(".notice").inner_text() == "Thank you, your message is in the guestbook."
    first = page.locator(".entry").first
    assert first.locator(".entry-body").inner_text() == "Hello, world"
    assert first.locator(".entry-meta").inner_text().startswith("Grace · ")
    assert page.locator(".entry").count() == 2
    assert page.locator(".counter").inner_text() == "1000 characters left"
    assert tab.violations == []
    assert tab.console_errors == []


def test_script_in_a_message_is_shown_as_text_and_never_runs(
    live_server: LiveServer, tab: Tab
) -> None:
    _sign(tab, live_server, name="<b>Mallory</b>", message=PAYLOAD)
    page = tab.page

    entry = page.locator(".entry").first
    assert entry.locator(".entry-body").inner_text() == PAYLOAD
    assert entry.locator(".entry-meta").inner_text().startswith("<b>Mallory</b> · ")
    assert page.locator(".entries img, .entries script, .entries b").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert tab.dialogs == []
    # Escaped markup is never even attempted, so the CSP has nothing to block.
    assert tab.violations == []
    assert tab.console_errors == []
