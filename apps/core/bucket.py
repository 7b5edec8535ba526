"""The bucket for uploads: django-storages' S3Storage, serving every object inert.

Apart from apps/core/uploads.py so that a process without a bucket never imports boto3.
"""

from __future__ import annotations

import threading
from typing import Any

from storages.backends.s3 import S3Storage  # type: ignore[import-untyped]

from apps.core.uploads import object_parameters, read_head, safe_name


class InertS3Storage(S3Storage):  # type: ignore[misc]
    """django-storages' S3Storage with each object's type decided from its bytes.

    `get_object_parameters` is the hook django-storages documents for per-object
    parameters; it is given only the name, so `_save` finds the type first.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saving = threading.local()

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        available: str = super().get_available_name(safe_name(name), max_length)
        return available

    def _save(self, name: str, content: Any) -> str:
        self._saving.parameters = object_parameters(read_head(content))
        try:
            saved: str = super()._save(safe_name(name), content)
            return saved
        finally:
            del self._saving.parameters

    def get_object_parameters(self, name: str) -> dict[str, Any]:
        parameters: dict[str, Any] = super().get_object_parameters(name)
        parameters.pop("ContentEncoding", None)
        parameters.update(getattr(self._saving, "parameters", None) or object_parameters(b""))
        return parameters
