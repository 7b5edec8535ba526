"""A fixed-window request counter per client, kept in Django's default cache.

The cache is what makes the limit shared: with a shared cache (Redis) every process
and dyno counts together; with the local-memory default each process counts alone, so
the limit applies per process. cache.add and cache.incr are atomic in both.
"""

from __future__ import annotations

import math
import time

from django.core.cache import cache


def retry_after(scope: str, client: str, *, limit: int, window: int = 60) -> int | None:
    """Count one request; None while within `limit` per `window` seconds, else seconds to wait."""
    now = time.time()
    window_start = math.floor(now / window) * window
    # The cache adds its KEY_PREFIX (CACHE_KEY_PREFIX) and version: the key names only the counter.
    key = f"ratelimit:{scope}:{client}:{window_start}"
    # Kept a little past its window so a slow request still finds its own counter.
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: this request starts a new count
        cache.add(key, 1, timeout=window + 5)
        count = 1
    if count <= limit:
        return None
    return max(1, math.ceil(window_start + window - now))
