"""A proof-only site beside the project's URLs: pages whose scripts exercise the strict CSP."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, include, path

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>strict</title>
<script nonce="{nonce}">
  document.addEventListener("DOMContentLoaded", () => {{
    const policy = trustedTypes.createPolicy("bastion", {{
      createHTML: (text) => text,
      createScriptURL: (url) => new URL(url, location.href).origin === location.origin ? url : "",
    }});
    document.getElementById("out").innerHTML = policy.createHTML("<b id=written>via policy</b>");
    const loaded = document.createElement("script");
    loaded.src = policy.createScriptURL("/proof/dynamic.js");
    document.head.append(loaded);
  }});
</script>{extra}</head><body><p id="out"></p></body></html>"""


def strict_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE.format(nonce=request.csp_nonce, extra=""))  # type: ignore[attr-defined]


def unnonced_page(request: HttpRequest) -> HttpResponse:
    extra = '<script src="/proof/dynamic.js"></script>'
    return HttpResponse(PAGE.format(nonce=request.csp_nonce, extra=extra))  # type: ignore[attr-defined]


def dynamic_js(request: HttpRequest) -> HttpResponse:
    script = "window.dynamicRuns = (window.dynamicRuns || 0) + 1;"
    return HttpResponse(script, content_type="text/javascript")


urlpatterns: list[URLPattern | URLResolver] = [
    path("proof/strict/", strict_page),
    path("proof/unnonced/", unnonced_page),
    path("proof/dynamic.js", dynamic_js),
    path("", include("config.urls")),
]
