"""The project's URLs plus /proof/cache/, which counts requests as a rate limiter would,
and /proof/broken/, a genuine server error."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from config.urls import urlpatterns as project_urlpatterns

WINDOW_SECONDS = 300


@require_GET
def cache_probe(request: HttpRequest) -> JsonResponse:
    """One more hit in a fixed window, counted in the shared cache; null when it is down."""
    cache.add("proof-hits", 0, WINDOW_SECONDS)
    try:
        hits: int | None = cache.incr("proof-hits")
    except ValueError:  # the key is gone: expired, or the cache is unreachable
        hits = None
    return JsonResponse({"hits": hits})


def broken(request: HttpRequest) -> JsonResponse:
    raise RuntimeError("a genuine server error")


urlpatterns = [
    path("proof/cache/", cache_probe),
    path("proof/broken/", broken),
    *project_urlpatterns,
]
