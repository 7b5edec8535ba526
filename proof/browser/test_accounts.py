"""Accounts end to end in Chromium: sign-up, the verification mail, second factors, passkeys.

The app is the live server of the browser proofs; mail goes over SMTP to a real aiosmtpd
server, and the link is read from the message it received. TOTP codes are computed from
the secret the activation page shows (RFC 6238, independently of django-allauth).
Passkeys are made and used by Chromium's virtual authenticator (the DevTools protocol's
WebAuthn domain). Every page is watched for CSP violations and console errors.

Passkeys need a host name (an IP address cannot be a WebAuthn relying party), so the
pages are opened on http://localhost, a secure context, with
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN on as in development; deploy check bastion.E050
keeps it off in production, where the site is HTTPS.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import CDPSession, Page
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from apps.accounts.services import user_email_mark_verified
from apps.core.reporting import OUTBOX
from proof.harness.browser import Login, Tab
from tests.support.accounts import totp
from tests.support.smtp import Mailbox, smtp_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "grace@example.com"
PASSWORD = "browser-proof-Pa55phrase"
CONFIRM_LINK = re.compile(r"http://localhost:\d+(/accounts/confirm-email/[^/\s]+/)")


@pytest.fixture
def mailbox(settings: Settings) -> Iterator[Mailbox]:
    """Account mail over SMTP to a real server on loopback."""
    with smtp_server() as (port, box):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield box


@pytest.fixture
def site(live_server: LiveServer, settings: Settings) -> str:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    return f"http://localhost:{urlsplit(live_server.url).port}"


@pytest.fixture
def seen() -> dict[str, int]:
    """Violations counted per page path, for the report."""
    return {}


def visit(tab: Tab, seen: dict[str, int], url: str) -> Page:
    tab.page.goto(url)
    return settle(tab, seen)


def settle(tab: Tab, seen: dict[str, int]) -> Page:
    tab.page.wait_for_load_state()
    tab.settle()
    path = urlsplit(tab.page.url).path
    seen[path] = seen.get(path, 0) + len(tab.violations)
    return tab.page


def submit(tab: Tab, seen: dict[str, int], name: str) -> Page:
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name=name, exact=True).click()
    return settle(tab, seen)


def sign_in(tab: Tab, seen: dict[str, int], site: str, next_url: str = "/") -> Page:
    page = visit(tab, seen, f"{site}/accounts/login/?next={next_url}")
    page.get_by_label("Email:").fill(EMAIL)
    page.get_by_label("Password:").fill(PASSWORD)
    return submit(tab, seen, "Sign In")


def sign_out(tab: Tab, seen: dict[str, int], site: str) -> None:
    visit(tab, seen, f"{site}/accounts/logout/")
    submit(tab, seen, "Sign Out")


def reauthenticate_if_asked(tab: Tab, seen: dict[str, int]) -> None:
    if "/reauthenticate/" in tab.page.url:
        tab.page.get_by_label("Password:").fill(PASSWORD)
        submit(tab, seen, "Confirm")


def virtual_authenticator(page: Page) -> CDPSession:
    """A platform authenticator that holds passkeys and verifies its user."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable", {"enableUI": False})
    options: dict[str, Any] = {
        "protocol": "ctap2",
        "transport": "internal",
        "hasResidentKey": True,
        "hasUserVerification": True,
        "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }
    session.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return session


def test_sign_up_verify_sign_in_and_set_up_every_second_factor(
    site: str, mailbox: Mailbox, tab: Tab, seen: dict[str, int], settings: Settings
) -> None:
    page = visit(tab, seen, f"{site}/accounts/signup/")
    page.get_by_label("Email:").fill(EMAIL)
    page.get_by_label("Password:").fill(PASSWORD)
    submit(tab, seen, "Sign Up")
    assert urlsplit(page.url).path == "/accounts/confirm-email/"

    # The verification link, from the message the SMTP server received (from the
    # process's mail thread: tasks run in the request here).
    OUTBOX.join()
    [message] = mailbox.messages
    assert message["To"] == EMAIL
    body = message.get_body(("plain",))
    assert body is not None
    link = CONFIRM_LINK.search(body.get_content())
    assert link is not None
    visit(tab, seen, site + link.group(1))
    submit(tab, seen, "Confirm")

    sign_in(tab, seen, site, "/accounts/email/")
    assert urlsplit(page.url).path == "/accounts/email/"
    assert page.get_by_text(EMAIL).count() >= 1

    # TOTP: the QR code is drawn inline (no data: image), the code computed from the secret.
    visit(tab, seen, f"{site}/accounts/2fa/totp/activate/")
    reauthenticate_if_asked(tab, seen)
    assert page.locator("figure.qr-code svg path").count() == 1
    assert page.locator("img[src^='data:']").count() == 0
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp(secret))
    submit(tab, seen, "Activate")
    assert page.get_by_text("Authenticator app activated.").count() == 1

    visit(tab, seen, f"{site}/accounts/2fa/recovery-codes/")
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10

    # A passkey, made by the virtual authenticator; usable without a password.
    virtual_authenticator(page)
    visit(tab, seen, f"{site}/accounts/2fa/webauthn/add/")
    reauthenticate_if_asked(tab, seen)
    page.get_by_label("Name:").fill("Laptop")
    page.get_by_label("Passwordless").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add").click()
    settle(tab, seen)
    assert page.get_by_text("Security key added.").count() == 1
    for path in ("/accounts/2fa/", "/accounts/2fa/webauthn/", "/accounts/sessions/"):
        visit(tab, seen, site + path)
    sign_out(tab, seen, site)

    # The password now leads to the second factor; a recovery code passes it, once.
    sign_in(tab, seen, site, "/accounts/email/")
    assert urlsplit(page.url).path == "/accounts/2fa/authenticate/"
    page.get_by_label("Code").fill(codes[0])
    submit(tab, seen, "Sign In")
    assert urlsplit(page.url).path == "/accounts/email/"
    sign_out(tab, seen, site)

    # The passkey alone signs in: no address, no password.
    visit(tab, seen, f"{site}/accounts/login/?next=/accounts/email/")
    with page.expect_navigation(url=re.compile(r"/accounts/email/$")):
        page.get_by_role("button", name="Sign in with a passkey").click()
    settle(tab, seen)
    assert page.get_by_text(EMAIL).count() >= 1

    assert tab.violations == []
    assert tab.console_errors == []
    print("CSP violations per account page:", seen)


def test_the_admin_is_reached_only_after_the_second_factor(
    site: str, tab: Tab, seen: dict[str, int], settings: Settings, superuser: Login
) -> None:
    settings.ADMIN_2FA = True
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username=superuser.username)
    admin.email = EMAIL
    admin.set_password(PASSWORD)
    admin.save()
    user_email_mark_verified(user=admin)

    # Signed in with the password alone, the admin sends its user to set up a factor.
    sign_in(tab, seen, site, "/admin/")
    page = visit(tab, seen, f"{site}/admin/")
    assert urlsplit(page.url).path == "/accounts/2fa/"
    visit(tab, seen, f"{site}/accounts/2fa/totp/activate/")
    reauthenticate_if_asked(tab, seen)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp(secret))
    submit(tab, seen, "Activate")
    sign_out(tab, seen, site)

    # The admin's own login page leads to the same sign-in, then to the code.
    visit(tab, seen, f"{site}/admin/login/?next=/admin/")
    assert urlsplit(page.url).path == "/accounts/login/"
    page.get_by_label("Email:").fill(EMAIL)
    page.get_by_label("Password:").fill(PASSWORD)
    submit(tab, seen, "Sign In")
    assert urlsplit(page.url).path == "/accounts/2fa/authenticate/"
    # Half signed in, the admin is still out of reach: it sends back to the code.
    assert urlsplit(visit(tab, seen, f"{site}/admin/").url).path == "/accounts/2fa/authenticate/"

    wrong = f"{(int(totp(secret)) + 1) % 1_000_000:06d}"
    page.get_by_label("Code").fill(wrong)
    submit(tab, seen, "Sign In")
    assert urlsplit(page.url).path == "/accounts/2fa/authenticate/"
    page.get_by_label("Code").fill(totp(secret))
    submit(tab, seen, "Sign In")
    assert urlsplit(page.url).path == "/admin/"
    assert page.locator("#site-name").count() == 1

    assert tab.violations == []
    assert tab.console_errors == []
    print("CSP violations per page on the way to the admin:", seen)
