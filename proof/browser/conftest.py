"""The browser proofs drive the system's Chromium with the harness's browser fixtures."""

from proof.harness.browser_fixtures import (
    browser,
    certificate,
    https_server,
    live_server,
    open_tab,
    other_origin,
    superuser,
    tab,
    use_ssl_settings,
)

__all__ = [
    "browser",
    "certificate",
    "https_server",
    "live_server",
    "open_tab",
    "other_origin",
    "superuser",
    "tab",
    "use_ssl_settings",
]
