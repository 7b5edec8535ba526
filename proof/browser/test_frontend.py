"""The front-end guide's examples in Chromium (docs/frontend.md), under the strict CSP.

Each example runs with zero violations and no console error; the same page with
what an attacker would inject (a script without the nonce, an inline handler, a
plain string for an HTML sink, an origin the page did not declare) is blocked,
and the browser's report reaches /csp-report/. The third party is a second
loopback origin over HTTPS (proof/browser/third_party.py).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from proof.browser.third_party import INTEGRITY, widget_server
from proof.harness.browser import Tab, wait_for
from proof.harness.browser_fixtures import Certificate

pytestmark = pytest.mark.browser

WIDGET_PREFIX = "/proof/frontend/widget/"
WIDGET_ANSWERED = "() => document.getElementById('widget-status').textContent !== 'waiting'"


@pytest.fixture
def frontend_site(settings: Settings) -> None:
    settings.ROOT_URLCONF = "proof.browser.frontend_urls"


@pytest.fixture
def widget_origin(
    frontend_site: None, settings: Settings, certificate: Certificate
) -> Iterator[str]:
    with widget_server(certificate.server_context) as origin:
        settings.PROOF_WIDGET_ORIGIN = origin
        settings.PROOF_WIDGET_INTEGRITY = INTEGRITY
        settings.PAGE_POLICIES = {
            WIDGET_PREFIX: {
                "csp": {"frame-src": [origin], "connect-src": [origin]},
                "permissions": {"payment": ["self", origin]},
            }
        }
        yield origin


@pytest.fixture
def console(tab: Tab) -> list[str]:
    """Every console message of every level (Permissions-Policy complaints are warnings)."""
    messages: list[str] = []
    tab.page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    return messages


def reported(caplog: pytest.LogCaptureFixture, tab: Tab, count: int) -> list[tuple[str, str]]:
    """The violations /csp-report/ logged, once `count` of them have arrived."""

    def logged() -> list[tuple[str, str]]:
        reports = [
            json.loads(record.getMessage().removeprefix("csp-violation "))
            for record in caplog.records
            if record.name == "apps.core.views" and record.levelno == logging.WARNING
        ]
        return [(r["effective-directive"], r["blocked-uri"]) for r in reports]

    found = wait_for(lambda: logged() if len(logged()) >= count else [], tab, seconds=10)
    return sorted(found)


def clean(tab: Tab, console: list[str]) -> None:
    tab.settle()
    assert tab.violations == []
    assert tab.console_errors == []
    assert console == []


def test_htmx_swaps_content_under_trusted_types_with_no_violation(
    frontend_site: None, live_server: LiveServer, tab: Tab, console: list[str]
) -> None:
    response = tab.page.goto(live_server.url + "/proof/frontend/htmx/")
    tab.page.click("#load")
    tab.page.wait_for_selector("#swapped")

    assert response is not None
    assert "require-trusted-types-for 'script'" in response.headers["content-security-policy"]
    assert tab.page.inner_text("#swapped") == "swapped by htmx"
    clean(tab, console)


def test_html_injected_through_a_swap_runs_no_script_and_is_reported(
    frontend_site: None, live_server: LiveServer, tab: Tab, caplog: pytest.LogCaptureFixture
) -> None:
    tab.page.goto(live_server.url + "/proof/frontend/htmx/?attack=1")
    tab.page.click("#load")
    tab.page.wait_for_selector("#swapped")
    tab.page.wait_for_function("() => document.getElementById('bait')?.complete")
    tab.settle()

    # The inline handler is refused (Chromium may report it once per event); the
    # script element htmx leaves inert is never re-created, so it needs no report.
    assert tab.page.evaluate("typeof window.pwned") == "undefined"
    assert {v["directive"] for v in tab.violations} == {"script-src-attr"}
    assert set(reported(caplog, tab, 1)) == {("script-src-attr", "inline")}


def test_a_script_writes_html_through_the_bastion_policy_with_no_violation(
    frontend_site: None, live_server: LiveServer, tab: Tab, console: list[str]
) -> None:
    tab.page.goto(live_server.url + "/proof/frontend/trusted-types/")
    tab.page.wait_for_selector("#list li")

    items = tab.page.locator("#list li").all_inner_texts()
    assert items == ["Ada", "<img src=x onerror=window.pwned=1>"]
    assert tab.page.evaluate("typeof window.pwned") == "undefined"
    clean(tab, console)


def test_a_plain_string_for_innerhtml_is_refused_and_reported(
    frontend_site: None, live_server: LiveServer, tab: Tab, caplog: pytest.LogCaptureFixture
) -> None:
    tab.page.goto(live_server.url + "/proof/frontend/trusted-types/?attack=1")
    tab.page.wait_for_function("() => window.refused !== undefined")
    tab.settle()

    assert tab.page.evaluate("window.refused") == "TypeError"
    assert tab.page.locator("#plain").count() == 0
    assert [v["directive"] for v in tab.violations] == ["require-trusted-types-for"]
    assert reported(caplog, tab, 1) == [("require-trusted-types-for", "trusted-types-sink")]


def test_the_site_stylesheet_and_a_nonced_style_block_apply_with_no_violation(
    frontend_site: None, live_server: LiveServer, tab: Tab, console: list[str]
) -> None:
    tab.page.goto(live_server.url + "/proof/frontend/styles/")

    color = tab.page.eval_on_selector("#nonced", "(e) => getComputedStyle(e).color")
    border = tab.page.eval_on_selector("#nonced", "(e) => getComputedStyle(e).borderTopStyle")
    assert color == "rgb(1, 2, 3)"
    assert border == "solid"  # .notice, from site.css
    clean(tab, console)


def test_a_style_block_without_the_nonce_and_a_style_attribute_are_blocked_and_reported(
    frontend_site: None, live_server: LiveServer, tab: Tab, caplog: pytest.LogCaptureFixture
) -> None:
    tab.page.goto(live_server.url + "/proof/frontend/styles/?attack=1")
    tab.settle()

    color = tab.page.eval_on_selector("#nonced", "(e) => getComputedStyle(e).color")
    attribute = tab.page.eval_on_selector("#attr", "(e) => getComputedStyle(e).color")
    assert color == "rgb(1, 2, 3)"
    assert attribute != "rgb(7, 7, 7)"
    assert sorted(v["directive"] for v in tab.violations) == ["style-src-attr", "style-src-elem"]
    assert reported(caplog, tab, 2) == [("style-src-attr", "inline"), ("style-src-elem", "inline")]


def test_alpine_csp_build_runs_a_component_with_no_violation(
    frontend_site: None, live_server: LiveServer, tab: Tab, console: list[str]
) -> None:
    tab.page.goto(live_server.url + "/proof/frontend/alpine/")
    tab.page.click("#more")
    tab.page.click("#more")

    assert tab.page.inner_text("#count") == "2"
    assert tab.page.is_visible("#shown")
    assert tab.page.locator("ul li").all_inner_texts() == [
        "plain",
        "<img src=x onerror=window.pwned=1>",
    ]
    clean(tab, console)


def test_alpine_csp_build_refuses_x_html_and_writes_nothing(
    frontend_site: None, live_server: LiveServer, tab: Tab
) -> None:
    tab.page.goto(live_server.url + "/proof/frontend/alpine/?attack=1")
    tab.page.wait_for_function("() => document.getElementById('count').textContent === '0'")
    tab.settle()

    # The CSP build throws before writing; were it to write, Trusted Types would refuse.
    assert tab.page.locator("#html img").count() == 0
    assert tab.page.evaluate("typeof window.pwned") == "undefined"
    assert tab.console_errors == [
        "uncaught Using the x-html directive is prohibited in the CSP build"
    ]


def test_a_declared_widget_loads_its_script_frame_and_api_with_no_violation(
    widget_origin: str, live_server: LiveServer, tab: Tab, console: list[str]
) -> None:
    response = tab.page.goto(live_server.url + WIDGET_PREFIX)
    tab.page.wait_for_function(
        "() => document.getElementById('widget-status').textContent !== 'waiting'"
    )
    frame = tab.page.frame_locator("#widget-frame")

    assert response is not None
    assert f"frame-src {widget_origin}" in response.headers["content-security-policy"]
    assert tab.page.inner_text("#widget-status") == "ready"
    assert frame.locator("#card").inner_text() == "card field"
    widget = next(f for f in tab.page.frames if f.url.startswith(widget_origin))
    assert widget.evaluate("document.featurePolicy.allowsFeature('payment')") is True
    assert widget.evaluate("document.featurePolicy.allowsFeature('camera')") is False
    clean(tab, console)


def test_an_undeclared_page_gets_no_frame_nor_api_from_the_widget_and_reports_both(
    widget_origin: str, live_server: LiveServer, tab: Tab, caplog: pytest.LogCaptureFixture
) -> None:
    tab.page.goto(live_server.url + "/proof/frontend/undeclared-widget/")
    tab.page.wait_for_function(
        "() => document.getElementById('widget-status').textContent !== 'waiting'"
    )
    tab.settle()

    assert tab.page.inner_text("#widget-status") == "blocked"
    assert sorted(v["directive"] for v in tab.violations) == ["connect-src", "frame-src"]
    assert [d for d, _ in reported(caplog, tab, 2)] == ["connect-src", "frame-src"]


def test_the_widget_script_without_the_nonce_is_blocked_and_reported(
    widget_origin: str, live_server: LiveServer, tab: Tab, caplog: pytest.LogCaptureFixture
) -> None:
    tab.page.goto(live_server.url + WIDGET_PREFIX + "?attack=1")
    tab.page.wait_for_function(
        "() => document.getElementById('widget-status').textContent !== 'waiting'"
    )
    tab.settle()

    assert tab.page.locator("#widget-frame").count() == 1  # only the nonced copy ran
    assert [(v["directive"], v["blocked"]) for v in tab.violations] == [
        ("script-src-elem", f"{widget_origin}/widget.js")
    ]
    assert reported(caplog, tab, 1) == [("script-src-elem", f"{widget_origin}/widget.js")]


def test_a_widget_script_whose_bytes_differ_from_the_pin_does_not_run(
    widget_origin: str, settings: Settings, live_server: LiveServer, tab: Tab
) -> None:
    settings.PROOF_WIDGET_INTEGRITY = "sha384-" + "A" * 64

    tab.page.goto(live_server.url + WIDGET_PREFIX)
    tab.settle()

    assert tab.page.inner_text("#widget-status") == "waiting"
    assert tab.page.locator("#widget-frame").count() == 0
    assert any("integrity" in error for error in tab.console_errors)
