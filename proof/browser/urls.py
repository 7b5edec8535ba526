"""The app's URLs plus one page that only the browser tests serve."""

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import URLPattern, URLResolver, path

from config.urls import urlpatterns as app_urlpatterns

# One inline script carries the response's nonce, the other stands for an
# injected one: the policy must let the first run and block the second.
PROBE = engines["django"].from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CSP probe</title>
<script nonce="{{ request.csp_nonce }}">window.nonced = true;</script>
<script>window.injected = true;</script>
</head><body><p>probe</p></body></html>"""
)


def csp_probe(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PROBE.render(request=request))


urlpatterns: list[URLPattern | URLResolver] = [
    path("csp-probe/", csp_probe),
    *app_urlpatterns,
]
