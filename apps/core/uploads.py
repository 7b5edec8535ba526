"""Where uploads go: a bucket that serves them inert, or nowhere, loudly.

A bucket serves each object with the Content-Type stored with it. Left to the client, an
upload named avatar.png but declared text/html, or saved as page.html or drawing.svg, is
served as a page that runs script on the bucket's origin. So the type is decided here,
from the file's first bytes, against a list of types a browser only displays; anything
else is stored as application/octet-stream with Content-Disposition: attachment, which
a browser downloads and never renders. The client's declared type is never read.
"""

from __future__ import annotations

import re
from typing import IO, Any

from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage

NO_BUCKET = (
    "Uploads need AWS_STORAGE_BUCKET_NAME in production: a dyno's or container's disk "
    "is lost on every restart (docs/heroku.md, 'A bucket for uploads')."
)

DOWNLOAD_ONLY = "application/octet-stream"
PLAIN_TEXT = "text/plain; charset=utf-8"
# The signatures of the inert types, as their formats define their first bytes.
SIGNATURES: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
]
SNIFF_BYTES = 4096
# Control characters other than tab and line breaks: not text a person wrote.
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What no stored name may hold: C0 and C1 controls, DEL, the Unicode line separators.
_UNSAFE_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def inert_content_type(head: bytes) -> str | None:
    """The inert type these first bytes are, or None: then the file is only for download."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head and not _BINARY.search(head) and _is_utf8(head):
        return PLAIN_TEXT
    return None


def _is_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A character cut in two by the end of the sample is still text.
        return error.start >= len(head) - 3 and error.reason == "unexpected end of data"
    return True


def object_parameters(head: bytes) -> dict[str, str]:
    """What the bucket stores with the object, and so serves it with."""
    content_type = inert_content_type(head)
    if content_type is None:
        return {"ContentType": DOWNLOAD_ONLY, "ContentDisposition": "attachment"}
    return {"ContentType": content_type, "ContentDisposition": "inline"}


def safe_name(name: str) -> str:
    """The name without control characters (a NUL would otherwise reach the object's key)."""
    return _UNSAFE_NAME.sub("", name)


def read_head(content: IO[Any]) -> bytes:
    position = content.tell() if content.seekable() else None
    head = content.read(SNIFF_BYTES)
    if position is not None:
        content.seek(position)
    return head.encode() if isinstance(head, str) else bytes(head)


class NoUploadsStorage(FileSystemStorage):
    """Refuses to save, so an upload never lands on a disk that is about to vanish."""

    def _save(self, name: str, content: Any) -> str:
        raise ImproperlyConfigured(NO_BUCKET)
