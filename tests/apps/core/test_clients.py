"""The client address lockouts and rate limits count: X-Forwarded-For only from a trusted proxy."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import RequestFactory
from pytest_django import Settings

from apps.core.clients import client_ip


def request_from(peer: str, forwarded_for: str | None = None) -> HttpRequest:
    headers = {} if forwarded_for is None else {"X-Forwarded-For": forwarded_for}
    return RequestFactory(REMOTE_ADDR=peer, headers=headers).get("/")


def test_a_direct_client_cannot_choose_its_address(settings: Settings) -> None:
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1"]

    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_last_forwarded_address_counts(settings: Settings) -> None:
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]

    request = request_from("10.1.2.3", "6.6.6.6, 198.51.100.1")

    assert client_ip(request) == "198.51.100.1"


def test_every_peer_is_trusted_under_a_star_as_on_heroku(settings: Settings) -> None:
    settings.FORWARDED_ALLOW_IPS = ["*"]

    assert client_ip(request_from("10.9.8.7", "2001:db8::1")) == "2001:db8::1"


@pytest.mark.parametrize("forwarded_for", [None, "", "not-an-address", "198.51.100.1, junk"])
def test_a_missing_or_garbled_header_falls_back_to_the_peer(
    settings: Settings, forwarded_for: str | None
) -> None:
    settings.FORWARDED_ALLOW_IPS = ["*"]

    assert client_ip(request_from("10.9.8.7", forwarded_for)) == "10.9.8.7"


def test_behind_a_cdn_and_a_router_the_client_is_two_hops_from_the_end(
    settings: Settings,
) -> None:
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]
    settings.FORWARDED_HOPS = 2

    # The client forged the first entry; the CDN appended the client, the router the CDN.
    request = request_from("10.1.2.3", "6.6.6.6, 198.51.100.1, 203.0.113.50")

    assert client_ip(request) == "198.51.100.1"


def test_clients_behind_one_cdn_are_told_apart_and_not_taken_for_the_cdn(
    settings: Settings,
) -> None:
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]
    settings.FORWARDED_HOPS = 2

    first = client_ip(request_from("10.1.2.3", "198.51.100.1, 203.0.113.50"))
    second = client_ip(request_from("10.1.2.3", "198.51.100.2, 203.0.113.50"))

    assert (first, second) == ("198.51.100.1", "198.51.100.2")


def test_a_header_shorter_than_the_hops_gives_its_first_entry(settings: Settings) -> None:
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]
    settings.FORWARDED_HOPS = 3

    assert client_ip(request_from("10.1.2.3", "198.51.100.1")) == "198.51.100.1"
