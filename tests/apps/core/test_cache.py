"""apps/core/cache.py: with Redis unreachable the cache answers as an empty one, and says so once.

"Unreachable" here is a loopback port nothing listens on, so every connection is refused
at once; the proof kit has the same against the real Redis server cut mid-run.
"""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.exceptions import ResponseError

from apps.core import cache as degrading
from apps.core.cache import RedisCache


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def outage(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh record of Redis's state, so each test starts from "Redis answered"."""
    monkeypatch.setattr(degrading, "_outage", degrading._Outage())


@pytest.fixture
def unreachable(outage: None) -> RedisCache:
    return RedisCache(
        f"redis://127.0.0.1:{_closed_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    )


def test_reads_find_nothing_while_redis_is_unreachable(unreachable: RedisCache) -> None:
    assert unreachable.get("visits") is None
    assert unreachable.get("visits", default=7) == 7
    assert unreachable.get_many(["a", "b"]) == {}
    assert unreachable.has_key("visits") is False
    assert unreachable.get_or_set("visits", 3) == 3


def test_writes_are_dropped_without_an_error(unreachable: RedisCache) -> None:
    unreachable.set("visits", 1)
    unreachable.set_many({"a": 1})
    unreachable.delete_many(["a"])
    unreachable.clear()

    assert unreachable.add("visits", 1) is True
    assert unreachable.touch("visits") is False
    assert unreachable.delete("visits") is False


def test_incr_raises_value_error_as_for_a_missing_key(unreachable: RedisCache) -> None:
    # Django documents ValueError for incr on a missing key; callers already handle it.
    with pytest.raises(ValueError, match="unavailable"):
        unreachable.incr("visits")
    with pytest.raises(ValueError, match="unavailable"):
        unreachable.decr("visits")


def test_an_outage_logs_one_warning_however_many_calls_fail(
    unreachable: RedisCache, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="apps.core.cache"):
        for _ in range(20):
            unreachable.get("visits")

    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Redis cache unavailable" in warnings[0].getMessage()


def test_after_a_failure_requests_skip_redis_instead_of_waiting_on_it(outage: None) -> None:
    # A port that completes the handshake and never answers: each try costs the full timeout.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(64)
        cache = RedisCache(
            f"redis://127.0.0.1:{silent.getsockname()[1]}/0",
            {"OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3}},
        )
        started = time.monotonic()
        cache.get("first")  # pays the timeout once
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(50):
            cache.get("again")
        rest = time.monotonic() - started

    assert first >= 0.3
    assert rest < 0.1


def test_redis_is_tried_again_once_the_pause_is_over(
    unreachable: RedisCache, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    unreachable.get("visits")
    caplog.clear()
    calls: list[str] = []

    def answering(self: DjangoRedisCache, key: str, *args: object) -> str:
        calls.append(key)
        return "back"

    # Stands in for Redis answering again; the proof kit shows the real server coming back.
    monkeypatch.setattr(DjangoRedisCache, "get", answering)

    with caplog.at_level(logging.WARNING, logger="apps.core.cache"):
        # Still within the first pause: not tried.
        assert unreachable.get("visits") is None
        degrading._outage._retry_at = 0.0  # the pause is over
        assert unreachable.get("visits") == "back"

    assert len(calls) == 1
    assert [record.getMessage() for record in caplog.records] == ["Redis cache available again"]


def test_the_default_cache_without_redis_url_is_local_memory() -> None:
    assert type(caches["default"]).__name__ == "LocMemCache"


class _AnsweringServer:
    """A loopback server that answers every Redis command with the same error reply."""

    def __init__(self, reply: bytes) -> None:
        self._reply = reply
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(client,), daemon=True).start()

    def _answer(self, client: socket.socket) -> None:
        with client:
            while data := client.recv(65536):
                # One reply per command: each command is a RESP array, "*<count>\r\n...".
                commands = data.count(b"\r\n*") + data.startswith(b"*")
                client.sendall(self._reply * commands)


@pytest.mark.parametrize(
    "reply",
    [
        b"-OOM command not allowed when used memory > 'maxmemory'.\r\n",
        b"-READONLY You can't write against a read only replica.\r\n",
    ],
)
def test_a_full_or_read_only_redis_degrades_too(outage: None, reply: bytes) -> None:
    server = _AnsweringServer(reply)
    try:
        cache = RedisCache(f"redis://127.0.0.1:{server.port}/0", {})

        cache.set("visits", 1)

        assert cache.get("visits", default="fallback") == "fallback"
    finally:
        server.close()


def test_any_other_redis_error_still_raises(outage: None) -> None:
    server = _AnsweringServer(b"-ERR unknown command\r\n")
    try:
        cache = RedisCache(f"redis://127.0.0.1:{server.port}/0", {})

        with pytest.raises(ResponseError, match="unknown command"):
            cache.get("visits")
    finally:
        server.close()
