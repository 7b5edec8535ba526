"""Where uploads go in production when no bucket is configured: nowhere, loudly."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage

NO_BUCKET = (
    "Uploads need AWS_STORAGE_BUCKET_NAME in production: a dyno's or container's disk "
    "is lost on every restart (docs/heroku.md, 'A bucket for uploads')."
)


class NoUploadsStorage(FileSystemStorage):
    """Refuses to save, so an upload never lands on a disk that is about to vanish."""

    def _save(self, name: str, content: Any) -> str:
        raise ImproperlyConfigured(NO_BUCKET)
