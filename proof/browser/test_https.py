"""With USE_SSL's settings behind a TLS proxy, the browser keeps __Host- cookies and forms work."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from proof.browser.helpers import Login, Tab, log_in

pytestmark = pytest.mark.browser

# The browser stores a __Host- cookie only if it is Secure, has Path=/ and no
# Domain (so it is host-only); HttpOnly and SameSite are Bastion's own choice.
HOST_COOKIE = {
    "secure": True,
    "path": "/",
    "domain": "127.0.0.1",
    "httpOnly": True,
    "sameSite": "Lax",
}


def _cookies(tab: Tab) -> dict[str, dict[str, Any]]:
    return {
        cookie["name"]: {key: cookie.get(key) for key in HOST_COOKIE}
        for cookie in tab.page.context.cookies()
    }


def test_guestbook_and_admin_work_with_host_prefixed_secure_cookies(
    https_server: LiveServer, tab: Tab, superuser: Login
) -> None:
    page = tab.page

    response = page.goto(https_server.url + "/guestbook/")
    assert response is not None
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert _cookies(tab) == {"__Host-csrftoken": HOST_COOKIE}
    page.get_by_label("Name").fill("Grace")
    page.get_by_label("Message").fill("Signed over HTTPS")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign").click()
    assert page.locator(".entry-body").first.inner_text() == "Signed over HTTPS"

    log_in(tab, https_server, superuser)
    assert page.url == https_server.url + reverse("admin:index")
    assert _cookies(tab) == {"__Host-csrftoken": HOST_COOKIE, "__Host-sessionid": HOST_COOKIE}
    tab.settle()
    assert tab.violations == []
    assert tab.console_errors == []
