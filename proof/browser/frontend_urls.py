"""A proof-only site: the front-end guide's examples (docs/frontend.md), as pages.

Each page is built from the project's own pieces (base.html, core/_htmx.html,
core/trusted-types.js, the vendored htmx and Alpine, `{% script %}`,
PAGE_POLICIES); `?attack=1` adds what
an attacker would inject into the same page.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import URLPattern, URLResolver, include, path

# The proof-only settings a test sets: the stand-in third party's origin and its script's pin.
WIDGET_SETTINGS = ("PROOF_WIDGET_ORIGIN", "PROOF_WIDGET_INTEGRITY")

HTMX_PAGE = """{% extends "base.html" %}
{% block head %}{% include "core/_htmx.html" %}{% endblock %}
{% block content %}
<button id="load" hx-get="/proof/frontend/fragment/{{ attack }}" hx-target="#out">Load</button>
<span class="htmx-indicator">Loading…</span>
<div id="out"></div>
{% endblock %}"""

FRAGMENT = '<p id="swapped">swapped by htmx</p>'
# What a stored XSS would put into a fragment: a script htmx would re-create by
# default, and an inline handler.
ATTACK_FRAGMENT = (
    FRAGMENT + "<script>window.pwned = 'script'</script>"
    '<img id="bait" src="/favicon.ico" onload="window.pwned = 2" onerror="window.pwned = 3">'
)

TRUSTED_TYPES_PAGE = """{% extends "base.html" %}{% load sri %}
{% block head %}{% script "core/trusted-types.js" %}
<script src="/proof/frontend/writes-html.js" nonce="{{ request.csp_nonce }}" defer></script>
{% endblock %}
{% block content %}<ul id="list" data-attack="{{ attack }}"></ul>{% endblock %}"""

WRITES_HTML = r"""
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const list = document.getElementById("list");
  const names = ["Ada", "<img src=x onerror=window.pwned=1>"];
  list.innerHTML = bastion.html`${names.map((name) => bastion.html`<li>${name}</li>`)}`;
  if (list.dataset.attack) {
    try {
      list.innerHTML = "<li id=plain>plain string</li>";
    } catch (error) {
      window.refused = error.name;
    }
  }
});
"""

STYLES_PAGE = """{% extends "base.html" %}
{% block head %}<style nonce="{{ request.csp_nonce }}">#nonced { color: rgb(1, 2, 3); }</style>
{% if attack %}<style>#nonced { color: rgb(9, 9, 9); }</style>{% endif %}{% endblock %}
{% block content %}<p id="nonced" class="notice">Styled by a nonced block and site.css</p>
{% if attack %}<p id="attr" style="color: rgb(7, 7, 7)">style attribute</p>{% endif %}
{% endblock %}"""

ALPINE_PAGE = """{% extends "base.html" %}{% load sri %}
{% block head %}
<script src="/proof/frontend/counter.js" nonce="{{ request.csp_nonce }}" defer></script>
{% script "core/vendor/alpinejs-csp-3.17.4.min.js" %}{% endblock %}
{% block content %}<div x-data="counter">
<button id="more" x-on:click="increment">More</button> <output id="count" x-text="count"></output>
<p id="shown" x-show="count > 0">counted</p>
<ul><template x-for="item in items"><li x-text="item"></li></template></ul>
{% if attack %}<div id="html" x-html="markup"></div>{% endif %}
</div>{% endblock %}"""

COUNTER = """
document.addEventListener("alpine:init", () => {
  Alpine.data("counter", () => ({
    count: 0,
    items: ["plain", "<img src=x onerror=window.pwned=1>"],
    markup: "<img src=x onerror=window.pwned=1>",
    increment() {
      this.count++;
    },
  }));
});
"""

WIDGET_PAGE = """{% extends "base.html" %}{% load sri %}
{% block head %}{% script widget_js integrity=widget_pin %}{% endblock %}
{% block content %}<div id="widget"></div><p id="widget-status">waiting</p>
{% if attack %}<script src="{{ widget_js }}"></script>{% endif %}{% endblock %}"""


def _page(source: str, request: HttpRequest, **context: object) -> HttpResponse:
    attack = request.GET.get("attack", "")
    rendered = engines["django"].from_string(source).render({"attack": attack, **context}, request)
    return HttpResponse(rendered)


def htmx_page(request: HttpRequest) -> HttpResponse:
    return _page(HTMX_PAGE, request)


def fragment(request: HttpRequest, attack: str = "") -> HttpResponse:
    return HttpResponse(ATTACK_FRAGMENT if attack else FRAGMENT)


def trusted_types_page(request: HttpRequest) -> HttpResponse:
    return _page(TRUSTED_TYPES_PAGE, request)


def writes_html(request: HttpRequest) -> HttpResponse:
    return HttpResponse(WRITES_HTML, content_type="text/javascript")


def styles_page(request: HttpRequest) -> HttpResponse:
    return _page(STYLES_PAGE, request)


def alpine_page(request: HttpRequest) -> HttpResponse:
    return _page(ALPINE_PAGE, request)


def counter(request: HttpRequest) -> HttpResponse:
    return HttpResponse(COUNTER, content_type="text/javascript")


def widget_page(request: HttpRequest) -> HttpResponse:
    origin, pin = (getattr(settings, name) for name in WIDGET_SETTINGS)
    return _page(WIDGET_PAGE, request, widget_js=f"{origin}/widget.js", widget_pin=pin)


urlpatterns: list[URLPattern | URLResolver] = [
    path("proof/frontend/htmx/", htmx_page),
    path("proof/frontend/fragment/", fragment),
    path("proof/frontend/fragment/<str:attack>", fragment),
    path("proof/frontend/trusted-types/", trusted_types_page),
    path("proof/frontend/writes-html.js", writes_html),
    path("proof/frontend/styles/", styles_page),
    path("proof/frontend/alpine/", alpine_page),
    path("proof/frontend/counter.js", counter),
    # The same widget page twice: declared in PAGE_POLICIES by the test, and not.
    path("proof/frontend/widget/", widget_page),
    path("proof/frontend/undeclared-widget/", widget_page),
    path("", include("config.urls")),
]
