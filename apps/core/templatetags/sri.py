"""`{% script "app/file.js" %}`: a script tag with the CSP nonce and Subresource Integrity."""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage, staticfiles_storage
from django.template.context import Context
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

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


def integrity(path: str) -> str:
    """The SRI value of the exact bytes served for a static path."""
    if settings.DEBUG:
        found = finders.find(path)
        if not isinstance(found, str):
            raise ValueError(f"no static file {path!r}")
        return _digest(Path(found))
    return _collected_integrity(path)


@register.simple_tag(takes_context=True)
def script(context: Context, path: str, *, defer: bool = True) -> SafeString:
    """The browser runs the file only if it matches its hash and the page's nonce."""
    request = context.get("request")
    nonce = str(getattr(request, "csp_nonce", "")) if request is not None else ""
    return format_html(
        '<script src="{}" integrity="{}" nonce="{}"{}></script>',
        static(path),
        integrity(path),
        nonce,
        " defer" if defer else "",
    )
