"""The demo's own proofs, deleted with the demo (`make remove-demo`), use the browser's fixtures."""

from proof.harness.browser_fixtures import (
    browser,
    certificate,
    live_server,
    open_tab,
    other_origin,
    tab,
)

__all__ = ["browser", "certificate", "live_server", "open_tab", "other_origin", "tab"]
