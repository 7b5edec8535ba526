"""
Django's own Redis cache, made to degrade instead of failing requests.

django.core.cache.backends.redis.RedisCache raises when Redis cannot be
reached, so every page that touches the cache would answer 500 during a
Redis outage. This subclass catches only the errors that mean "Redis cannot
serve right now" (UNAVAILABLE; a bug such as a wrong command still raises)
and then answers as Django's DummyCache does (nothing is found, writes are
dropped, `incr` raises ValueError as for a missing key): pages are served,
and features such as throttling simply forget. Each process logs one warning
when the outage starts and one line when Redis answers again; in between it
waits RETRY_AFTER_SECONDS before trying Redis again, so requests do not each
pay the connect timeout.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, TypeVar

from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import OutOfMemoryError, ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5.0
# Redis cannot be reached or does not answer in time (a wrong password included),
# is a replica during a failover, or is full and refuses writes (maxmemory).
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ReadOnlyError, OutOfMemoryError)

T = TypeVar("T")


class _Outage:
    """Whether Redis failed lately; shared by every thread of the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down = False
        self._retry_at = 0.0

    def waiting(self) -> bool:
        return self._down and time.monotonic() < self._retry_at

    def failed(self, error: Exception) -> None:
        with self._lock:
            started = not self._down
            self._down = True
            self._retry_at = time.monotonic() + RETRY_AFTER_SECONDS
        if started:
            logger.warning(
                "Redis cache unavailable, serving without it and retrying every %.0f s: %s",
                RETRY_AFTER_SECONDS,
                error,
            )

    def answered(self) -> None:
        if not self._down:
            return
        with self._lock:
            ended, self._down = self._down, False
        if ended:
            logger.warning("Redis cache available again")


_outage = _Outage()


class RedisCache(django_redis.RedisCache):
    """Django's RedisCache that answers as an empty cache while Redis is unavailable."""

    def _guarded(self, call: Callable[[], T], fallback: Callable[[], T]) -> T:
        if _outage.waiting():
            return fallback()
        try:
            result = call()
        except UNAVAILABLE as error:
            _outage.failed(error)
            return fallback()
        _outage.answered()
        return result

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._guarded(partial(super().add, key, value, timeout, version), lambda: True)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guarded(partial(super().get, key, default, version), lambda: default)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._guarded(partial(super().set, key, value, timeout, version), lambda: None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guarded(partial(super().touch, key, timeout, version), lambda: False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guarded(partial(super().delete, key, version), lambda: False)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._guarded(partial(super().get_many, list(keys), version), dict)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guarded(partial(super().has_key, key, version), lambda: False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        def missing() -> int:
            raise ValueError(f"Key {key!r} not found: the Redis cache is unavailable")

        return self._guarded(partial(super().incr, key, delta, version), missing)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._guarded(partial(super().set_many, data, timeout, version), list)

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self._guarded(partial(super().delete_many, list(keys), version), lambda: None)

    def clear(self) -> None:
        self._guarded(super().clear, lambda: None)
