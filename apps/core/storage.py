"""Static files: WhiteNoise's compressed, content-hashed storage, with each URL worked out once."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class RememberedURLsStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    """WhiteNoise's storage, remembering the URL of each file a template asked for.

    With DEBUG off the manifest is read once and never changes while the process runs, so
    a name always gives the same URL. Django works it out again for every {% static %} tag
    (unquote, urlsplit, a manifest lookup, urljoin): in a profile, the largest cost of the
    admin login page after the CSP header. A settings change that touches static files
    makes Django create a new storage, and so a new memo.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if settings.DEBUG or force or name is None:
            url: str = super().url(name, force)
            return url
        try:
            return self._urls[name]
        except KeyError:
            # For a name missing from the manifest this raises, so only files are remembered.
            url = self._urls[name] = super().url(name)
            return url
