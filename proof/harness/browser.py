"""What the browser tests share besides fixtures: a watched tab and small steps."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Page
from pytest_django.live_server_helper import LiveServer

# Runs in every document before the page's own scripts. Scripts added by the
# browser tooling are not subject to the page's CSP, so the listener is in
# place even on pages whose policy blocks every inline script.
WATCH_SCRIPT = """
window.addEventListener("securitypolicyviolation", (event) => {
  window.__bastionViolation(JSON.stringify({
    document: event.documentURI,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    disposition: event.disposition,
  }));
}, true);
"""


@dataclass
class Tab:
    """A browser tab and what its user, or their developer console, saw."""

    page: Page
    violations: list[dict[str, Any]]
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def settle(self) -> None:
        """Let queued violation events and console messages arrive before asserting."""
        self.page.evaluate("() => new Promise((done) => setTimeout(done, 50))")


@dataclass(frozen=True)
class Login:
    """An account's credentials, typed into the one sign-in page."""

    username: str
    password: str
    email: str = "admin@example.com"


def watch(context: BrowserContext) -> Tab:
    """Open a tab that records CSP violations, console errors and dialogs."""
    violations: list[dict[str, Any]] = []
    context.expose_function("__bastionViolation", lambda data: violations.append(json.loads(data)))
    context.add_init_script(WATCH_SCRIPT)
    tab = Tab(context.new_page(), violations)
    tab.page.on("console", lambda message: _console(tab, message))
    tab.page.on("pageerror", lambda error: tab.console_errors.append(f"uncaught {error}"))
    tab.page.on("dialog", lambda dialog: _dialog(tab, dialog))
    return tab


def _dialog(tab: Tab, dialog: Dialog) -> None:
    tab.dialogs.append(dialog.message)
    dialog.dismiss()


def _console(tab: Tab, message: ConsoleMessage) -> None:
    if message.type == "error":
        tab.console_errors.append(message.text)


def log_in(tab: Tab, server: LiveServer, login: Login, next_url: str = "/admin/") -> None:
    """Sign in through the accounts' sign-in page, where the admin sends, as a person would."""
    page = tab.page
    page.goto(server.url + reverse("admin:login") + f"?next={next_url}")
    page.get_by_label("Email:").fill(login.email)
    page.get_by_label("Password:").fill(login.password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In", exact=True).click()


def wait_for(condition: Callable[[], Iterable[Any]], tab: Tab, seconds: float) -> list[Any]:
    """Poll while letting the browser work; returns what the condition found, possibly nothing."""
    found = list(condition())
    waited = 0.0
    while not found and waited < seconds:
        tab.page.wait_for_timeout(100)
        waited += 0.1
        found = list(condition())
    return found
