"""apps/core/uploads.py: production without a bucket refuses uploads instead of losing them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile

from apps.core.uploads import NoUploadsStorage, object_parameters, safe_name


def test_saving_an_upload_without_a_bucket_is_refused_with_the_fix(tmp_path: Path) -> None:
    storage = NoUploadsStorage(location=tmp_path)

    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        storage.save("avatar.png", ContentFile(b"\x89PNG"))

    assert list(tmp_path.iterdir()) == []


def test_the_test_settings_use_it_for_uploads() -> None:
    from django.core.files.storage import default_storage

    # The suite runs with DEBUG off and no bucket, as a fresh production deploy does.
    with pytest.raises(ImproperlyConfigured):
        default_storage.save("note.txt", ContentFile(b"hello"))


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.mark.parametrize(
    ("head", "content_type"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"%PDF-1.7\n", "application/pdf"),
        ("quarterly numbers, caf\u00e9\n".encode(), "text/plain; charset=utf-8"),
        (b"<svg onload=alert(1)>", "text/plain; charset=utf-8"),
    ],
)
def test_inert_types_are_told_from_the_first_bytes(head: bytes, content_type: str) -> None:
    assert object_parameters(head) == {"ContentType": content_type, "ContentDisposition": "inline"}


@pytest.mark.parametrize(
    "head",
    [b"\x00\x01binary", b"PK\x03\x04zip", b"\xfe\xff\x00<\x00h\x00t\x00m\x00l", b""],
)
def test_anything_else_is_stored_for_download_only(head: bytes) -> None:
    assert object_parameters(head) == {
        "ContentType": "application/octet-stream",
        "ContentDisposition": "attachment",
    }


def test_control_characters_never_reach_a_stored_name() -> None:
    assert safe_name("avatars/me\x00.png\n\x1b[2J\u2028") == "avatars/me.png[2J"
