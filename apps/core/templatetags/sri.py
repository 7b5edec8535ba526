"""
`{% script %}`: a script tag with the CSP nonce and Subresource Integrity.

    {% script "app/file.js" %}
    {% script "https://js.pay.example/v3/widget.js" integrity="sha384-..." %}

A static file's hash is computed from the bytes served. Another origin's
script is pinned in the template: the browser runs it only if its bytes still
match, so a changed or compromised file is refused rather than run with the
page's nonce.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage, staticfiles_storage
from django.template.context import Context
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _digest(file: Path) -> str:
    digest = hashlib.sha384(file.read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode("ascii")


@cache
def _collected_integrity(path: str) -> str:
    # Collected files carry their content hash in their name: the digest of
    # one can never change while the process runs.
    storage = staticfiles_storage
    if isinstance(storage, ManifestStaticFilesStorage):
        path = storage.stored_name(path)
    return _digest(Path(storage.path(path)))


def file_integrity(path: str) -> str:
    """The SRI value of the exact bytes served for a static path."""
    if settings.DEBUG:
        found = finders.find(path)
        if not isinstance(found, str):
            raise ValueError(f"no static file {path!r}")
        return _digest(Path(found))
    return _collected_integrity(path)


SRI_VALUE = re.compile(r"^sha(256|384|512)-[A-Za-z0-9+/]+={0,2}$")


def _external(url: str, pinned: str | None) -> tuple[str, str]:
    if not url.startswith("https://"):
        raise template.TemplateSyntaxError(
            f"{{% script %}} loads other origins over https:// only, not {url!r}"
        )
    if pinned is None or not SRI_VALUE.match(pinned):
        raise template.TemplateSyntaxError(
            f'{{% script {url!r} %}} needs integrity="sha384-..." (docs/frontend.md)'
        )
    return url, pinned


@register.simple_tag(takes_context=True)
def script(
    context: Context, path: str, *, defer: bool = True, integrity: str | None = None
) -> SafeString:
    """The browser runs the file only if it matches its hash and the page's nonce."""
    request = context.get("request")
    nonce = str(getattr(request, "csp_nonce", "")) if request is not None else ""
    if "://" in path or path.startswith("//"):
        src, pinned = _external(path, integrity)
        # SRI on another origin's script needs a CORS fetch; no cookies go with it.
        cross_origin = ' crossorigin="anonymous"'
    else:
        src, pinned, cross_origin = static(path), file_integrity(path), ""
    return format_html(
        '<script src="{}" integrity="{}" nonce="{}"{}{}></script>',
        src,
        pinned,
        nonce,
        mark_safe(cross_origin),  # noqa: S308  # a constant of this module
        " defer" if defer else "",
    )
