"""The request counter's keys: the cache adds CACHE_KEY_PREFIX once, the counter never again."""

from __future__ import annotations

import math
import time

import pytest
from django.core.cache import cache
from pytest_django import Settings

from apps.core.ratelimit import retry_after

NOW = 1_800_000_000.0


def test_the_counter_key_carries_the_cache_prefix_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(time, "time", lambda: NOW)
    window = math.floor(NOW / 60) * 60

    retry_after("csp", "192.0.2.1", limit=5)

    key = f"ratelimit:csp:192.0.2.1:{window}"
    assert cache.get(key) == 1
    assert cache.make_key(key) == f"{settings.CACHES['default']['KEY_PREFIX']}:1:{key}"
    assert cache.make_key(key).count("bastion") == 1
