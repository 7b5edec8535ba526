"""Strict CSP in Chromium: nonce + 'strict-dynamic' and Trusted Types on the site's pages,
the admin's own policy on the admin's, and not one violation on either."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from apps.demo import services
from apps.demo.models import Message
from tests.browser.helpers import Login, Tab, log_in

pytestmark = pytest.mark.browser

SITE_PAGES = [
    ("/", HTTPStatus.OK),
    ("/guestbook/", HTTPStatus.OK),
    ("/api/messages/", HTTPStatus.OK),
    ("/no-such-page/", HTTPStatus.NOT_FOUND),
]

TRY_INNER_HTML = """() => {
  try { document.body.insertAdjacentHTML("beforeend", "<b id=injected>x</b>"); return "written"; }
  catch (error) { return error.name; }
}"""


def directives(header: str) -> dict[str, list[str]]:
    parsed = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parsed}


@pytest.mark.parametrize(("path", "status"), SITE_PAGES)
def test_every_site_page_is_under_strict_csp_with_trusted_types_and_no_violation(
    live_server: LiveServer, tab: Tab, path: str, status: HTTPStatus
) -> None:
    services.message_create(name="Ada", body="An entry, so the list renders.")

    response = tab.page.goto(live_server.url + path)
    tab.settle()

    assert response is not None
    assert response.status == status
    policy = directives(response.headers["content-security-policy"])
    assert "'strict-dynamic'" in policy["script-src"]
    assert "'self'" not in policy["script-src"]
    assert policy["require-trusted-types-for"] == ["'script'"]
    assert policy["trusted-types"] == ["bastion"]
    assert tab.violations == []


def test_the_guestbook_script_runs_with_its_nonce_under_strict_dynamic(
    live_server: LiveServer, tab: Tab
) -> None:
    response = tab.page.goto(live_server.url + "/guestbook/")
    tab.settle()

    assert response is not None
    nonce = next(
        source
        for source in directives(response.headers["content-security-policy"])["script-src"]
        if source.startswith("'nonce-")
    )
    assert nonce
    # guestbook.js fills in the counter: the nonce'd script ran.
    assert "characters left" in tab.page.locator(".counter").first.inner_text()
    assert tab.violations == []


def test_trusted_types_make_html_sinks_refuse_plain_strings(
    live_server: LiveServer, tab: Tab
) -> None:
    tab.page.goto(live_server.url + "/")

    outcome = tab.page.evaluate(TRY_INNER_HTML)
    tab.settle()

    assert outcome == "TypeError"
    assert tab.page.locator("#injected").count() == 0
    assert [v["directive"] for v in tab.violations] == ["require-trusted-types-for"]


def test_only_the_named_trusted_types_policy_can_be_created(
    live_server: LiveServer, tab: Tab
) -> None:
    tab.page.goto(live_server.url + "/")

    created = tab.page.evaluate(
        """() => [ "bastion", "other" ].map((name) => {
          try { trustedTypes.createPolicy(name, { createHTML: (s) => s }); return "created"; }
          catch (error) { return error.name; }
        })"""
    )

    assert created == ["created", "TypeError"]


def test_the_admin_works_under_its_own_policy_without_a_violation(
    live_server: LiveServer, tab: Tab, superuser: Login
) -> None:
    for number in range(3):
        services.message_create(name=f"Guest {number}", body=f"Message number {number}")
    message = Message.objects.get(name="Guest 1")
    page = tab.page

    login = page.goto(live_server.url + reverse("admin:login"))
    tab.settle()
    log_in(tab, live_server, superuser)
    changelist = page.goto(live_server.url + reverse("admin:demo_message_changelist"))
    tab.settle()
    page.locator("#result_list tbody input.action-select").first.check()
    counted = page.locator(".action-counter").inner_text()
    change = page.goto(live_server.url + reverse("admin:demo_message_change", args=[message.pk]))
    tab.settle()

    for response in (login, changelist, change):
        assert response is not None
        assert response.status == HTTPStatus.OK
        policy = directives(response.headers["content-security-policy"])
        assert policy["script-src"][0] == "'self'"
        assert policy["script-src"][1].startswith("'nonce-")
        assert "require-trusted-types-for" not in policy
        assert policy["default-src"] == ["'none'"]
    assert counted == "1 of 3 selected"
    assert page.get_by_label("Body:").input_value() == "Message number 1"
    assert tab.violations == []
    assert tab.console_errors == []
