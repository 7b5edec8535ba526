"""{% static %} names the content-hashed file from collectstatic's manifest, memo or not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.templatetags.static import static
from pytest_django.fixtures import Settings

STORAGE = "apps.core.storage.RememberedURLsStorage"


def use_manifest(settings: Settings, root: Path, paths: dict[str, str]) -> None:
    """Static files as collectstatic leaves them: a manifest of hashed names in STATIC_ROOT."""
    root.mkdir(exist_ok=True)
    (root / "staticfiles.json").write_text(
        json.dumps({"paths": paths, "version": "1.1", "hash": "0"})
    )
    settings.STATIC_ROOT = root
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": STORAGE}}


def test_a_static_url_names_the_hashed_file_every_time(settings: Settings, tmp_path: Path) -> None:
    use_manifest(settings, tmp_path, {"core/site.css": "core/site.0a1b2c3d4e5f.css"})

    assert static("core/site.css") == "/static/core/site.0a1b2c3d4e5f.css"
    assert static("core/site.css") == "/static/core/site.0a1b2c3d4e5f.css"


def test_with_debug_on_the_url_names_the_file_itself(settings: Settings, tmp_path: Path) -> None:
    use_manifest(settings, tmp_path, {"core/site.css": "core/site.0a1b2c3d4e5f.css"})
    static("core/site.css")

    settings.DEBUG = True

    assert static("core/site.css") == "/static/core/site.css"


def test_a_file_missing_from_the_manifest_is_an_error_every_time(
    settings: Settings, tmp_path: Path
) -> None:
    use_manifest(settings, tmp_path, {})

    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            static("core/missing.css")


def test_a_new_manifest_gives_new_urls(settings: Settings, tmp_path: Path) -> None:
    use_manifest(settings, tmp_path / "old", {"core/site.css": "core/site.111111111111.css"})
    static("core/site.css")

    use_manifest(settings, tmp_path / "new", {"core/site.css": "core/site.222222222222.css"})

    assert static("core/site.css") == "/static/core/site.222222222222.css"
