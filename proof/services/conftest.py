"""
Redis for the services proofs: the server on 127.0.0.1:6379 (never stopped: outages go
through a TCP proxy the test controls). Every key a test writes carries its own prefix
and is deleted after. The databases and the production stack come from
proof/harness/fixtures.py.
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator

import pytest
import redis

from proof.harness import unavailable

REDIS_ADDRESS = ("127.0.0.1", 6379)


@pytest.fixture(scope="session")
def redis_server() -> tuple[str, int]:
    try:
        socket.create_connection(REDIS_ADDRESS, timeout=2).close()
    except OSError:
        unavailable(f"no Redis server on {REDIS_ADDRESS[0]}:{REDIS_ADDRESS[1]}")
    return REDIS_ADDRESS


@pytest.fixture
def key_prefix(redis_server: tuple[str, int]) -> Iterator[str]:
    """A CACHE_KEY_PREFIX of this test's own; its keys are deleted afterwards."""
    prefix = f"bastion-proof-{secrets.token_hex(4)}"
    yield prefix
    client = redis.Redis(*redis_server)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
