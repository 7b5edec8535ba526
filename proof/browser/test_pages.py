"""Every page renders under the strict CSP without a single violation or console error."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from apps.demo import services
from apps.demo.models import Message
from proof.browser.helpers import Login, Tab, log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/", HTTPStatus.OK, "Hello, visitor!"),
        ("/guestbook/", HTTPStatus.OK, "Guestbook"),
        ("/no-such-page/", HTTPStatus.NOT_FOUND, "Page not found"),
    ],
)
def test_demo_page_renders_styled_without_csp_violations(
    live_server: LiveServer, tab: Tab, path: str, status: HTTPStatus, heading: str
) -> None:
    services.message_create(name="Ada", body="An entry, so the list renders.")

    response = tab.page.goto(live_server.url + path)
    tab.settle()

    assert response is not None
    assert response.status == status
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert tab.page.locator("h1").inner_text() == heading
    # site.css loaded: the header is laid out as a flex row, not the browser default.
    assert tab.page.locator(".site-header").evaluate("e => getComputedStyle(e).display") == "flex"
    assert tab.violations == []
    expected_errors = (
        ["Failed to load resource: the server responded with a status of 404 (Not Found)"]
        if status == HTTPStatus.NOT_FOUND
        else []
    )
    assert tab.console_errors == expected_errors


def test_api_page_shows_json_without_csp_violations(live_server: LiveServer, tab: Tab) -> None:
    services.message_create(name="Ada", body="Hello from the API")

    response = tab.page.goto(live_server.url + "/api/messages/")
    tab.settle()

    assert response is not None
    assert response.status == HTTPStatus.OK
    assert response.json()["results"][0]["message"] == "Hello from the API"
    assert "Hello from the API" in tab.page.locator("body").inner_text()
    assert tab.violations == []
    assert tab.console_errors == []


def test_admin_login_change_list_and_change_form_have_no_csp_violations(
    live_server: LiveServer, tab: Tab, superuser: Login
) -> None:
    for number in range(3):
        services.message_create(name=f"Guest {number}", body=f"Message number {number}")
    message = Message.objects.get(name="Guest 1")
    page = tab.page

    page.goto(live_server.url + reverse("admin:login"))
    tab.settle()
    assert tab.violations == []
    assert tab.console_errors == []
    log_in(tab, live_server, superuser)
    assert page.url == live_server.url + reverse("admin:index")

    page.goto(live_server.url + reverse("admin:demo_message_changelist"))
    tab.settle()
    assert page.locator("#result_list tbody tr").count() == 3
    # The admin's own scripts run: actions.js counts the selected rows.
    page.locator("#result_list tbody input.action-select").first.check()
    assert page.locator(".action-counter").inner_text() == "1 of 3 selected"
    # The inline <style> of change_list.html is only rendered when both action
    # bars are off; with Django's defaults it is absent and nothing is blocked.
    assert page.locator("style").count() == 0

    page.goto(live_server.url + reverse("admin:demo_message_change", args=[message.pk]))
    tab.settle()
    assert page.get_by_label("Body:").input_value() == "Message number 1"

    assert tab.violations == []
    assert tab.console_errors == []
