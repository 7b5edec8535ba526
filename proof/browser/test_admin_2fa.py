"""ADMIN_2FA end to end: Chromium signs in to the admin of the production stack with a code.

gunicorn with gunicorn.conf.py on PostgreSQL, ADMIN_2FA=true. The operator enrols the admin
with `manage.py otp_enrol`; the test reads the secret from the otpauth:// link it prints and
computes each code as an authenticator app does (RFC 6238), independently of django-otp.
Plain HTTP on loopback (USE_SSL off): the HTTPS path is proven by the other proofs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page

from proof import harness
from proof.harness import Database
from proof.harness.fixtures import Serve

pytestmark = [pytest.mark.browser, pytest.mark.deploy]

CHROMIUM = Path("/usr/bin/chromium")


def totp(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time() // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def manage(database: Database, *args: str, **env: str) -> str:
    command = [sys.executable, "manage.py", *args]
    environ = harness.production_env(database.url, USE_SSL="false", **env)
    result = subprocess.run(
        command,
        cwd=harness.REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def submit(page: Page, password: str, token: str, device: str | None) -> None:
    page.fill("#id_username", "admin")
    page.fill("#id_password", password)
    if device is not None:
        page.select_option("#id_otp_device", label=device)
    page.fill("#id_otp_token", token)
    page.click('input[type="submit"][value="Log in"]')
    page.wait_for_load_state()


def test_an_enrolled_admin_signs_in_with_a_code_and_a_wrong_code_is_refused(
    database: Database, serve: Serve, page: Page
) -> None:
    password = secrets.token_urlsafe(16)
    manage(
        database,
        "createsuperuser",
        "--noinput",
        DJANGO_SUPERUSER_USERNAME="admin",
        DJANGO_SUPERUSER_PASSWORD=password,
        DJANGO_SUPERUSER_EMAIL="admin@example.com",
    )
    enrolment = manage(database, "otp_enrol", "admin")
    link = next(line.strip() for line in enrolment.splitlines() if "otpauth://" in line)
    secret = parse_qs(urlsplit(link).query)["secret"][0]
    server = serve(database.url, USE_SSL="false", ADMIN_2FA="true", WEB_CONCURRENCY="1")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"http://localhost:{server.port}/admin/login/?next=/admin/")

    # The password alone is not enough: the form asks which device the code comes from.
    submit(page, password, "", device=None)
    assert page.locator("#id_otp_device").is_visible()
    assert "/admin/login/" in page.url

    wrong = f"{(int(totp(secret)) + 500_000) % 1_000_000:06d}"
    submit(page, password, wrong, device="authenticator")
    assert "/admin/login/" in page.url
    assert page.locator(".errornote").first.is_visible()
    assert page.locator("text=Site administration").count() == 0

    # django-otp makes a device wait a second after a wrong code before it verifies again.
    page.wait_for_timeout(2_000)
    submit(page, password, totp(secret), device="authenticator")
    assert urlsplit(page.url).path == "/admin/"
    assert page.locator("#site-name").inner_text() != ""
    assert page.locator("text=Log out").count() == 1
    assert errors == []
