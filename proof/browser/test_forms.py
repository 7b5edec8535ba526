"""A form in a real browser: its script runs, what it stores is shown as text, forgeries fail.

On the proof site's form page (proof/site): a CSRF-protected form whose script is loaded
with the CSP nonce and Subresource Integrity by the project's {% script %} tag.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

import pytest
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from proof.harness.browser import Tab
from proof.site.models import Note

pytestmark = pytest.mark.browser

PAYLOAD = (
    '<script>window.__xss = 1; alert("script")</script>'
    "<img src=x onerror=\"window.__xss = 1; alert('img')\">"
)


def _save(tab: Tab, live_server: LiveServer, text: str) -> None:
    page = tab.page
    page.goto(live_server.url + reverse("proof-form"))
    page.get_by_label("Text").fill(text)
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    tab.settle()


def test_the_script_loaded_with_nonce_and_integrity_runs_and_the_form_saves(
    live_server: LiveServer, tab: Tab
) -> None:
    page = tab.page

    page.goto(live_server.url + reverse("proof-form"))
    integrity = page.locator("script[src]").get_attribute("integrity") or ""
    assert integrity.startswith("sha384-")
    left = page.locator(".left")
    # The counter is the script's work: without it the paragraph stays empty.
    assert left.inner_text() == "200 characters left"
    page.get_by_label("Text").press_sequentially("Hello")
    assert left.inner_text() == "195 characters left"
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    tab.settle()

    assert page.url == live_server.url + reverse("proof-form")
    assert page.locator(".note").first.inner_text() == "Hello"
    assert tab.violations == []
    assert tab.console_errors == []


def test_script_in_stored_text_is_shown_as_text_and_never_runs(
    live_server: LiveServer, tab: Tab
) -> None:
    _save(tab, live_server, PAYLOAD)
    page = tab.page

    assert page.locator(".note").first.inner_text() == PAYLOAD
    assert page.locator(".notes img, .notes script").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert tab.dialogs == []
    # Escaped markup is never even attempted, so the CSP has nothing to block.
    assert tab.violations == []
    assert tab.console_errors == []


def test_script_in_refused_input_is_shown_back_as_text_and_never_runs(
    live_server: LiveServer, tab: Tab
) -> None:
    # Too long to store: the page shows the form again with what was sent.
    refused = PAYLOAD + "x" * 200
    page = tab.page
    page.goto(live_server.url + reverse("proof-form"))
    # Past the field's maxlength, as a script or a tampered page would send it.
    page.get_by_label("Text").evaluate("(field, value) => { field.value = value; }", refused)
    with page.expect_response(live_server.url + reverse("proof-form")) as posted:
        page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    tab.settle()

    assert posted.value.status == HTTPStatus.BAD_REQUEST
    assert page.get_by_label("Text").input_value() == refused
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert tab.dialogs == []
    assert not Note.objects.exists()


def test_form_posted_from_another_site_is_refused_with_the_friendly_page(
    live_server: LiveServer, tab: Tab, other_origin: Callable[..., str]
) -> None:
    target = live_server.url + reverse("proof-form")
    forged = other_origin(
        f"""<!doctype html><title>Win a prize</title>
        <form method="post" action="{target}"><input name="text" value="Forged"></form>
        <script>document.forms[0].submit()</script>""",
        host="localhost",
    )
    # The visitor has been to the site before, so its cookies exist.
    tab.page.goto(target)

    with tab.page.expect_response(target) as posted:
        tab.page.goto(forged)
    tab.page.wait_for_load_state()
    tab.settle()

    assert posted.value.request.method == "POST"
    assert posted.value.status == HTTPStatus.FORBIDDEN
    assert tab.page.locator("h1").inner_text() == "Your form expired"
    assert not Note.objects.exists()
    assert tab.violations == []
