"""The browser fixtures of tests/browser (Chromium, a live server, a watched tab)."""

from tests.browser.conftest import *  # noqa: F403
