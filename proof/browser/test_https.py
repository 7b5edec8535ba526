"""With USE_SSL's settings behind a TLS proxy, the browser keeps __Host- cookies and forms work."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from proof.harness.browser import Login, Tab, log_in

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


def test_a_form_and_the_admin_work_with_host_prefixed_secure_cookies(
    https_server: LiveServer, tab: Tab, superuser: Login
) -> None:
    page = tab.page

    response = page.goto(https_server.url + reverse("proof-form"))
    assert response is not None
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert _cookies(tab) == {"__Host-csrftoken": HOST_COOKIE}
    page.get_by_label("Text").fill("Saved over HTTPS")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.locator(".note").first.inner_text() == "Saved over HTTPS"

    log_in(tab, https_server, superuser)
    assert page.url == https_server.url + reverse("admin:index")
    assert _cookies(tab) == {"__Host-csrftoken": HOST_COOKIE, "__Host-sessionid": HOST_COOKIE}
    tab.settle()
    assert tab.violations == []
    assert tab.console_errors == []
