"""
Fixtures that drive the system's Chromium against the real app.

The app is served in-process by pytest-django's live server (a real WSGI
server in a thread) rather than by a gunicorn subprocess: the `settings`
fixture can then switch CORS origins, the URLconf or the HTTPS settings per
test, and the app's log lines reach caplog. A fresh server is started for
each test, after the test's settings are in place, because some middleware
reads settings once (SecurityMiddleware in __init__, CsrfViewMiddleware's
trusted origins on first use).
"""

from __future__ import annotations

import base64
import hashlib
import os
import runpy
import shutil
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpResponseBase
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler
from playwright.sync_api import Browser, BrowserContext, sync_playwright
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

import config.settings
from apps.accounts.services import user_email_mark_verified
from proof.harness.browser import Login, Tab, watch
from proof.harness.project import unavailable

# Debian's Chromium by default; BROWSER_EXECUTABLE names another build (Playwright's own, say).
CHROMIUM = Path(os.environ.get("BROWSER_EXECUTABLE", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Chromium sends the first Reporting API report of a browser context at
    # once but holds later ones for its one-minute delivery interval; this
    # shortens the interval to 100 ms.
    "--short-reporting-delay",
]
LOOPBACK = "127.0.0.1"

# The settings config/settings.py changes when USE_SSL is on.
USE_SSL_NAMES = (
    "MESSAGE_STORAGE",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    # The policy reports through report-to only over HTTPS.
    "CONTENT_SECURITY_POLICY",
)


def require_tool(path: str | None, name: str) -> str:
    """A missing tool skips on a workstation and fails in CI."""
    if path is None or not Path(path).is_file():
        unavailable(f"{name} is not installed (apt-get install {name})")
    return path


@dataclass(frozen=True)
class Certificate:
    server_context: ssl.SSLContext
    spki_sha256: str


@pytest.fixture(scope="package")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A throwaway certificate for 127.0.0.1, trusted by the test browser through its key hash."""
    openssl = require_tool(shutil.which("openssl"), "openssl")
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-nodes", "-days", "1", "-subj", f"/CN={LOOPBACK}"),
            *("-addext", f"subjectAltName=IP:{LOOPBACK}", "-keyout", key, "-out", cert),
        ],
        check=True,
        capture_output=True,
    )
    public_key = subprocess.run(
        [openssl, "pkey", "-in", key, "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    spki = base64.b64encode(hashlib.sha256(public_key).digest()).decode()
    return Certificate(context, spki)


@pytest.fixture(scope="package")
def browser(certificate: Certificate) -> Iterator[Browser]:
    chromium = require_tool(str(CHROMIUM), "chromium")
    # Playwright's sync API keeps an asyncio loop running in this thread, which
    # Django takes for an async context and then refuses the tests' ORM calls.
    # Package scope stops it after the browser tests, before anything else runs.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=[
                *CHROMIUM_ARGS,
                f"--ignore-certificate-errors-spki-list={certificate.spki_sha256}",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="package")
def use_ssl_settings() -> dict[str, Any]:
    """What config/settings.py computes with USE_SSL=true, read from a fresh run of it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("USE_SSL", "true")
        computed = runpy.run_path(config.settings.__file__)
    return {name: computed[name] for name in USE_SSL_NAMES}


class _App(WSGIHandler):
    """Hands every request to the app, where WhiteNoise serves /static/ as in production.

    Stands in for pytest-django's static handler, which serves files by their
    unhashed names from the apps' folders instead.
    """

    def __init__(self, application: WSGIHandler) -> None:
        # No super().__init__(): the wrapped handler has loaded the middleware.
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Any) -> HttpResponseBase:
        return self.application(environ, start_response)


class _BehindTLSProxy(_App):
    """Adds the header a TLS-terminating proxy such as Heroku's router sets on every request."""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> HttpResponseBase:
        # gunicorn turns a trusted proxy's X-Forwarded-Proto into the request's scheme.
        environ["HTTP_X_FORWARDED_PROTO"] = "https"
        environ["wsgi.url_scheme"] = "https"
        return self.application(environ, start_response)


class _RequestHandler(QuietWSGIRequestHandler):
    # An idle keep-alive connection is dropped after this, so stopping the
    # server never waits longer for a browser that is still connected.
    timeout = 5


class _Server(ThreadedWSGIServer):
    # Request threads are joined when the server closes, so none of them
    # touches the test database connection after the test has given it back.
    daemon_threads = False


class _ServerThread(LiveServerThread):
    def __init__(
        self, tls: ssl.SSLContext | None, connections: dict[str, BaseDatabaseWrapper]
    ) -> None:
        super().__init__(LOOPBACK, _BehindTLSProxy if tls else _App, connections)
        self.tls = tls

    def server_class(self, address: Any, handler: Any, **kwargs: Any) -> ThreadedWSGIServer:
        """LiveServerThread builds its server through this name; TLS wraps the listening socket."""
        server = _Server(address, _RequestHandler, **kwargs)
        if self.tls is not None:
            server.socket = self.tls.wrap_socket(
                server.socket, server_side=True, do_handshake_on_connect=False
            )
        return server


class AppServer(LiveServer):
    """pytest-django's live server on 127.0.0.1, optionally over HTTPS."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        super().__init__(LOOPBACK, start=False)
        self.scheme = "https" if tls else "http"
        self.thread = _ServerThread(tls, self.thread.connections_override)
        self.thread.daemon = True
        self.start()

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.thread.host}:{self.thread.port}"


@pytest.fixture
def live_server(collected_static: Path) -> Iterator[LiveServer]:
    """The app over plain HTTP, as `make dev` serves it but with DEBUG off."""
    server = AppServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def https_server(
    collected_static: Path,
    certificate: Certificate,
    use_ssl_settings: dict[str, Any],
    transactional_db: None,
    settings: Settings,
) -> Iterator[LiveServer]:
    """The app with USE_SSL's settings, over TLS behind an emulated proxy, as deployed."""
    for name, value in use_ssl_settings.items():
        setattr(settings, name, value)
    server = AppServer(certificate.server_context)
    server._live_server_modified_settings.enable()
    try:
        yield server
    finally:
        server._live_server_modified_settings.disable()
        server.stop()


@pytest.fixture
def superuser(settings: Settings, django_user_model: type[AbstractBaseUser]) -> Login:
    """An admin account. A fast hasher, as password hashing is not under test here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    login = Login("admin", "browser-test-Pa55word-not-secret")
    user = django_user_model._default_manager.db_manager().create_superuser(  # type: ignore[attr-defined]
        username=login.username, email=login.email, password=login.password
    )
    # Signing in needs a verified address; createsuperuser records it so.
    user_email_mark_verified(user=user)
    return login


@pytest.fixture
def open_tab(browser: Browser) -> Iterator[Callable[..., Tab]]:
    """Opens a tab in a fresh browser context (no cookies) built with the given options."""
    contexts: list[BrowserContext] = []

    def open_(**options: Any) -> Tab:
        context = browser.new_context(**options)
        contexts.append(context)
        # Every step here takes well under a second; fail fast instead of at 30 s.
        context.set_default_timeout(10_000)
        return watch(context)

    try:
        yield open_
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def tab(open_tab: Callable[..., Tab]) -> Tab:
    return open_tab()


def _serving(html: str) -> type[BaseHTTPRequestHandler]:
    class OnePage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests assert on what the browser saw."""

    return OnePage


@pytest.fixture
def other_origin() -> Iterator[Callable[..., str]]:
    """Serves one HTML page on a new loopback port and returns its URL.

    `host="localhost"` makes the page cross-site as well as cross-origin:
    browsers treat 127.0.0.1 on another port as the same site.
    """
    servers: list[ThreadingHTTPServer] = []

    def serve(html: str, host: str = LOOPBACK) -> str:
        server = ThreadingHTTPServer((LOOPBACK, 0), _serving(html))
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"http://{host}:{server.server_address[1]}/"

    try:
        yield serve
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
