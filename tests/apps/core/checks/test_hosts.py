"""Host names the site answers and origins it trusts: bastion.W024 and W025."""

from __future__ import annotations

import pytest
from pytest_django import Settings

from apps.core.checks import hosts
from tests.apps.core.checks import ids


@pytest.mark.parametrize("host", ["*", ".com", ".co.uk"])
def test_allowed_hosts_that_match_any_host_fire_w024(production: Settings, host: str) -> None:
    production.ALLOWED_HOSTS = ["bastion.example.com", host]

    assert ids(hosts.check_hosts()) == {"bastion.W024"}


@pytest.mark.parametrize("host", [".herokuapp.com", ".example.com", "bastion.example.com"])
def test_allowed_hosts_for_one_site_or_herokus_router_are_quiet(
    production: Settings, host: str
) -> None:
    production.ALLOWED_HOSTS = [host]

    assert hosts.check_hosts() == []


@pytest.mark.parametrize(
    "origin", ["https://*.herokuapp.com", "https://*.github.io", "https://*.com", "https://*"]
)
def test_csrf_trusted_origins_over_a_public_suffix_fire_w025(
    production: Settings, origin: str
) -> None:
    production.CSRF_TRUSTED_ORIGINS = [origin]

    assert ids(hosts.check_hosts()) == {"bastion.W025"}


def test_csrf_trusted_subdomains_of_ones_own_domain_are_quiet(production: Settings) -> None:
    production.CSRF_TRUSTED_ORIGINS = ["https://*.example.com", "https://app.example.org"]

    assert hosts.check_hosts() == []
