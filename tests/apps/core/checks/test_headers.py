"""Referrer-Policy and Cross-Origin-Opener-Policy as browsers apply them: W031, W032."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_django import Settings

from apps.core.checks import headers
from tests.apps.core.checks import ids


@pytest.mark.parametrize(
    "policy", ["unsafe-url", "no-referrer-when-downgrade", "same-origin, origin", ["origin"]]
)
def test_a_referrer_policy_weaker_than_the_browser_default_fires_w031(
    production: Settings, policy: Any
) -> None:
    production.SECURE_REFERRER_POLICY = policy

    assert ids(headers.check_headers()) == {"bastion.W031"}


def test_the_last_referrer_policy_a_browser_knows_is_the_one_judged(
    production: Settings,
) -> None:
    production.SECURE_REFERRER_POLICY = "origin, strict-origin-when-cross-origin"

    assert headers.check_headers() == []


@pytest.mark.parametrize("coop", ["unsafe-none", None])
def test_coop_unsafe_none_fires_w032(production: Settings, coop: str | None) -> None:
    production.SECURE_CROSS_ORIGIN_OPENER_POLICY = coop

    assert ids(headers.check_headers()) == {"bastion.W032"}
