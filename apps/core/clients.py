"""Who sent a request: the address login lockouts and rate limits are counted against.

A proxy in front of the app (Heroku's router, a load balancer) is the peer of every
request, so its address says nothing about the client. Such a proxy appends the address
it saw to X-Forwarded-For; the last entry is the one a client cannot forge. Behind
FORWARDED_HOPS proxies in a row (a CDN, then the platform's router), each appends its
peer, so the client is the entry FORWARDED_HOPS places from the end; the ones before it
are the client's to write. The header is read only when the peer is one of
FORWARDED_ALLOW_IPS, the list gunicorn trusts for the scheme, so a client that connects
directly cannot pick its own address.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_ip(request: HttpRequest) -> str:
    """The client's address: the entry the trusted proxies wrote, or the peer's own.

    A header shorter than FORWARDED_HOPS did not pass through every proxy: its first
    entry is the nearest the proxies vouch for.
    """
    peer = str(request.META.get("REMOTE_ADDR", ""))
    if not _is_trusted(peer):
        return peer
    entries = str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    forwarded = entries[-min(settings.FORWARDED_HOPS, len(entries))].strip()
    try:
        return str(ipaddress.ip_address(forwarded))
    except ValueError:
        return peer


def _is_trusted(peer: str) -> bool:
    trust_all, networks = _trusted_networks()
    if trust_all:
        return True
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in networks)


@functools.cache
def _trusted_networks() -> tuple[bool, tuple[Network, ...]]:
    entries = settings.FORWARDED_ALLOW_IPS
    networks = tuple(ipaddress.ip_network(entry) for entry in entries if entry != "*")
    return "*" in entries, networks


@receiver(setting_changed)
def _forget_networks(*, setting: str, **kwargs: object) -> None:
    if setting == "FORWARDED_ALLOW_IPS":
        _trusted_networks.cache_clear()
