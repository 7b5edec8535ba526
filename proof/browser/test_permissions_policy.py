"""Chromium allows no powerful feature on Bastion's pages, served by the production stack."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from proof import harness as stack

CHROMIUM = Path("/usr/bin/chromium")
# The sign-in page lets the site itself use WebAuthn (passkeys); tests/apps/accounts covers it.
PAGES = ("/accounts/signup/", "/healthz", "/no/such/page/")


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """gunicorn with gunicorn.conf.py, USE_SSL on, on a fresh PostgreSQL database."""
    log = tmp_path_factory.mktemp("permissions") / "gunicorn.log"
    with stack.fresh_database("permissions") as database:
        stack.collectstatic()
        stack.release(database.url)
        env = stack.production_env(database.url, DJANGO_SETTINGS_MODULE="config.settings")
        with stack.Server("config.wsgi", env, log) as server:
            server.wait_until_serving()
            yield server.port


@pytest.mark.parametrize("path", PAGES)
def test_chromium_allows_no_feature_it_knows_but_unload_for_the_site(
    browser: Browser, port: int, path: str
) -> None:
    # The router's header: the app serves this request as an HTTPS one.
    context = browser.new_context(extra_http_headers={"X-Forwarded-Proto": "https"})
    try:
        page = context.new_page()
        page.goto(f"http://{stack.HOST}:{port}{path}")
        known = page.evaluate("document.featurePolicy.features()")
        allowed = page.evaluate("document.featurePolicy.allowedFeatures()")
    finally:
        context.close()

    assert {"camera", "geolocation", "clipboard-read", "publickey-credentials-create"} <= set(known)
    # The admin's scripts listen for unload, which the policy leaves to the site itself.
    assert set(allowed) <= {"unload"}


@pytest.mark.parametrize("path", PAGES)
def test_chromium_recognises_every_feature_the_policy_names_and_logs_no_complaint(
    browser: Browser, port: int, path: str
) -> None:
    # How the list in config/settings.py is kept: a name Chromium does not know, or
    # keeps behind an origin trial, is a console message here ("Unrecognized feature").
    context = browser.new_context(extra_http_headers={"X-Forwarded-Proto": "https"})
    messages: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda message: messages.append(message.text))
        response = page.goto(f"http://{stack.HOST}:{port}{path}")
        page.evaluate("() => new Promise((done) => setTimeout(done, 100))")
        known = set(page.evaluate("document.featurePolicy.features()"))
    finally:
        context.close()

    assert response is not None
    named = {item.split("=")[0] for item in response.headers["permissions-policy"].split(", ")}
    assert [m for m in messages if "Permissions-Policy" in m] == []
    assert named - known == set()
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= named
