"""Strict CSP in Chromium: nonce + 'strict-dynamic' and Trusted Types on the site's pages,
the admin's own policy on the admin's pages, and not one violation on either.

The pages are the project's own (its error page, its probes, the admin) and a
proof-only page (proof/browser/strict_urls.py) whose nonce'd script loads another
script and writes HTML through the one Trusted Types policy the CSP names.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from proof.harness.browser import Login, Tab, log_in

pytestmark = pytest.mark.browser

PROOF_URLS = "proof.browser.strict_urls"

TRY_INSERT_HTML = """() => {
  try { document.body.insertAdjacentHTML("beforeend", "<b id=injected>x</b>"); return "written"; }
  catch (error) { return error.name; }
}"""


def directives(header: str) -> dict[str, list[str]]:
    parsed = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parsed}


@pytest.fixture
def proof_site(settings: Settings) -> None:
    settings.ROOT_URLCONF = PROOF_URLS


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/proof/strict/", HTTPStatus.OK),
        ("/no-such-page/", HTTPStatus.NOT_FOUND),
        ("/healthz", HTTPStatus.OK),
    ],
)
def test_every_site_page_is_under_strict_csp_with_trusted_types_and_no_violation(
    proof_site: None, live_server: LiveServer, tab: Tab, path: str, status: HTTPStatus
) -> None:
    response = tab.page.goto(live_server.url + path)
    tab.settle()

    assert response is not None
    assert response.status == status
    policy = directives(response.headers["content-security-policy"])
    assert "'strict-dynamic'" in policy["script-src"]
    assert "'self'" not in policy["script-src"]
    assert policy["require-trusted-types-for"] == ["'script'"]
    assert policy["trusted-types"] == ["bastion", "default"]
    assert tab.violations == []


def test_a_nonced_script_runs_loads_scripts_and_writes_html_through_the_named_policy(
    proof_site: None, live_server: LiveServer, tab: Tab
) -> None:
    tab.page.goto(live_server.url + "/proof/strict/")
    tab.page.wait_for_function("() => window.dynamicRuns === 1", timeout=5000)
    tab.settle()

    assert tab.page.locator("#written").inner_text() == "via policy"
    assert tab.violations == []
    assert tab.console_errors == []


def test_a_script_tag_without_the_nonce_is_blocked_even_from_this_site(
    proof_site: None, live_server: LiveServer, tab: Tab
) -> None:
    tab.page.goto(live_server.url + "/proof/unnonced/")
    tab.page.wait_for_function("() => window.dynamicRuns === 1", timeout=5000)
    tab.settle()

    # Only the copy the nonce'd script added ran; the plain tag was refused.
    assert tab.page.evaluate("() => window.dynamicRuns") == 1
    assert [v["directive"] for v in tab.violations] == ["script-src-elem"]


def test_trusted_types_make_html_sinks_refuse_plain_strings(
    proof_site: None, live_server: LiveServer, tab: Tab
) -> None:
    tab.page.goto(live_server.url + "/no-such-page/")

    outcome = tab.page.evaluate(TRY_INSERT_HTML)
    tab.settle()

    assert outcome == "TypeError"
    assert tab.page.locator("#injected").count() == 0
    assert [v["directive"] for v in tab.violations] == ["require-trusted-types-for"]


def test_only_the_named_trusted_types_policy_can_be_created(
    proof_site: None, live_server: LiveServer, tab: Tab
) -> None:
    tab.page.goto(live_server.url + "/no-such-page/")

    created = tab.page.evaluate(
        """() => [ "bastion", "other" ].map((name) => {
          try { trustedTypes.createPolicy(name, { createHTML: (s) => s }); return "created"; }
          catch (error) { return error.name; }
        })"""
    )

    assert created == ["created", "TypeError"]


def test_the_admin_works_under_its_own_policy_without_a_violation(
    live_server: LiveServer,
    tab: Tab,
    superuser: Login,
) -> None:
    for number in range(2):
        get_user_model().objects.create_user(username=f"member{number}", password="x" * 20)
    member = get_user_model().objects.get(username="member1")
    page = tab.page

    # The admin's sign-in is the site's own page, under the site's strict policy.
    sign_in = page.goto(live_server.url + reverse("admin:login"))
    tab.settle()
    assert sign_in is not None
    assert "'strict-dynamic'" in sign_in.headers["content-security-policy"]
    log_in(tab, live_server, superuser)
    changelist = page.goto(live_server.url + reverse("admin:accounts_user_changelist"))
    tab.settle()
    page.locator("#result_list tbody input.action-select").first.check()
    counted = page.locator(".action-counter").inner_text()
    change = page.goto(live_server.url + reverse("admin:accounts_user_change", args=[member.pk]))
    tab.settle()

    for response in (changelist, change):
        assert response is not None
        assert response.status == HTTPStatus.OK
        policy = directives(response.headers["content-security-policy"])
        assert policy["script-src"][0] == "'self'"
        assert policy["script-src"][1].startswith("'nonce-")
        assert "require-trusted-types-for" not in policy
        assert policy["default-src"] == ["'none'"]
    assert counted == "1 of 3 selected"
    assert page.get_by_label("Username:").input_value() == "member1"
    assert tab.violations == []
    assert tab.console_errors == []
