"""apps/core/uploads.py: production without a bucket refuses uploads instead of losing them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile

from apps.core.uploads import NoUploadsStorage


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
