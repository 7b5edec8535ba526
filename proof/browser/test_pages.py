"""Every page of the project renders under the strict CSP without a violation or console error.

The pages are read from the project's own URLconf (config.urls), so a page a user adds is
checked without anyone listing it here; the admin's pages are visited signed in.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from pytest_django.live_server_helper import LiveServer

from proof.harness.browser import Login, Tab, log_in

pytestmark = pytest.mark.browser


def paths_without_arguments(
    patterns: Sequence[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[str]:
    """The URL of every pattern that takes no arguments, outside the admin."""
    for entry in patterns:
        # A pattern that takes arguments has no URL of its own to open (django-allauth's
        # regular expressions all take one).
        if entry.pattern.regex.groups:
            continue
        if not isinstance(entry.pattern, RoutePattern):
            raise TypeError(f"{entry!r} is a regular expression: list its URLs by hand")
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.app_name != "admin":
                yield from paths_without_arguments(entry.url_patterns, route)
        else:
            yield "/" + route


PROJECT_PATHS = sorted(set(paths_without_arguments(get_resolver("config.urls").url_patterns)))


def failed_load(status: int) -> list[str]:
    """What Chromium's console says of a page that answered with an error status."""
    if status < HTTPStatus.BAD_REQUEST:
        return []
    phrase = HTTPStatus(status).phrase
    return [f"Failed to load resource: the server responded with a status of {status} ({phrase})"]


def test_the_project_urls_include_its_own_pages_and_probes() -> None:
    assert {"/", "/healthz", "/readyz", "/csp-report/", "/favicon.ico"} <= set(PROJECT_PATHS)
    assert not [path for path in PROJECT_PATHS if path.startswith("/proof/")]


@pytest.mark.parametrize("path", PROJECT_PATHS)
def test_every_project_url_renders_without_csp_violations(
    live_server: LiveServer, tab: Tab, path: str
) -> None:
    url = live_server.url + path
    # An endpoint that only takes POST (the CSP report endpoint) is no page to open:
    # Chromium shows nothing for its empty 405, so only its answer is checked.
    answer = tab.page.request.get(url)
    if answer.status == HTTPStatus.METHOD_NOT_ALLOWED:
        assert "GET" not in answer.headers["allow"]
        assert "default-src 'none'" in answer.headers["content-security-policy"]
        return

    response = tab.page.goto(url)
    tab.settle()

    assert response is not None
    assert response.status < HTTPStatus.INTERNAL_SERVER_ERROR
    assert response.status != HTTPStatus.NOT_FOUND
    if response.headers["content-type"].startswith("text/html"):
        # A static file (where /favicon.ico redirects) is no document a policy could guard.
        assert "default-src 'none'" in response.headers["content-security-policy"]
    assert tab.violations == []
    assert tab.console_errors == failed_load(response.status)


def test_the_not_found_page_is_styled_and_has_no_csp_violations(
    live_server: LiveServer, tab: Tab
) -> None:
    response = tab.page.goto(live_server.url + "/no-such-page/")
    tab.settle()

    assert response is not None
    assert response.status == HTTPStatus.NOT_FOUND
    assert tab.page.locator("h1").inner_text() == "Page not found"
    # site.css loaded: the header is laid out as a flex row, not the browser default.
    assert tab.page.locator(".site-header").evaluate("e => getComputedStyle(e).display") == "flex"
    assert tab.violations == []
    assert tab.console_errors == failed_load(HTTPStatus.NOT_FOUND)


def test_admin_sign_in_index_change_list_and_change_form_have_no_csp_violations(
    live_server: LiveServer, tab: Tab, superuser: Login
) -> None:
    for number in range(2):
        get_user_model().objects.create_user(
            username=f"member{number}", email=f"m{number}@example.com"
        )
    member = get_user_model().objects.get(username="member1")
    page = tab.page

    page.goto(live_server.url + reverse("admin:login"))
    tab.settle()
    assert tab.violations == []
    assert tab.console_errors == []
    log_in(tab, live_server, superuser)
    assert page.url == live_server.url + reverse("admin:index")
    tab.settle()
    assert page.locator("#site-name").count() == 1

    page.goto(live_server.url + reverse("admin:accounts_user_changelist"))
    tab.settle()
    assert page.locator("#result_list tbody tr").count() == 3
    # The admin's own scripts run: actions.js counts the selected rows.
    page.locator("#result_list tbody input.action-select").first.check()
    assert page.locator(".action-counter").inner_text() == "1 of 3 selected"
    # The inline <style> of change_list.html is only rendered when both action
    # bars are off; with Django's defaults it is absent and nothing is blocked.
    assert page.locator("style").count() == 0

    page.goto(live_server.url + reverse("admin:accounts_user_change", args=[member.pk]))
    tab.settle()
    assert page.get_by_label("Username:").input_value() == "member1"

    assert tab.violations == []
    assert tab.console_errors == []
