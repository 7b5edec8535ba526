"""An injected script is blocked, and the browser reports it to /csp-report/.

Served over HTTPS: Chromium uses the policy's report-to (the Reporting API)
and then ignores report-uri, and it only accepts Reporting-Endpoints from an
https:// page for an https:// endpoint. Over plain http, even on 127.0.0.1,
the report stays queued in the browser and never arrives.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.urls import reverse
from pytest_django.live_server_helper import LiveServer

from proof.harness.browser import Tab, wait_for

pytestmark = pytest.mark.browser


def test_script_without_the_nonce_is_blocked_and_reported(
    https_server: LiveServer, tab: Tab, caplog: pytest.LogCaptureFixture
) -> None:
    # Reporting API uploads leave from the browser's network service, outside
    # any page, so Playwright's request events never show them: the browser's
    # own report status and the app's log line show the delivery instead.
    cdp = tab.page.context.new_cdp_session(tab.page)
    browser_reports: list[dict[str, Any]] = []
    cdp.on(
        "Network.reportingApiReportUpdated", lambda event: browser_reports.append(event["report"])
    )
    cdp.send("Network.enableReportingApi", {"enable": True})
    probe = https_server.url + reverse("proof-csp-probe")

    tab.page.goto(probe)
    tab.settle()

    assert tab.page.evaluate("window.nonced") is True
    assert tab.page.evaluate("typeof window.injected") == "undefined"
    assert [(v["directive"], v["blocked"], v["document"]) for v in tab.violations] == [
        ("script-src-elem", "inline", probe)
    ]
    assert any("violates the following Content Security Policy" in e for e in tab.console_errors)

    def logged() -> list[dict[str, str]]:
        return [
            json.loads(record.getMessage().removeprefix("csp-violation "))
            for record in caplog.records
            if record.name == "apps.core.views" and record.levelno == logging.WARNING
        ]

    reports = wait_for(logged, tab, seconds=10)
    assert [(r["effective-directive"], r["blocked-uri"], r["document-uri"]) for r in reports] == [
        ("script-src-elem", "inline", probe)
    ]
    delivered = wait_for(
        lambda: [r for r in browser_reports if r["status"] == "Success"], tab, seconds=5
    )
    assert [(r["type"], r["destination"]) for r in delivered] == [("csp-violation", "csp")]
