"""config/urls.py: uploads in media/ are served by runserver in development only."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path

import pytest
from django.test import Client
from django.urls import clear_url_caches
from pytest_django import Settings

import config.urls


@pytest.fixture
def urls_built_with(settings: Settings) -> Iterator[Settings]:
    """Settings to rebuild the URLconf under; it is rebuilt as it was afterwards."""
    yield settings
    settings.DEBUG = False
    _rebuild()


def _rebuild() -> None:
    importlib.reload(config.urls)
    clear_url_caches()


def test_uploads_are_served_from_media_with_debug_on(
    urls_built_with: Settings, tmp_path: Path, client: Client
) -> None:
    urls_built_with.DEBUG = True
    urls_built_with.MEDIA_ROOT = tmp_path
    (tmp_path / "hello.txt").write_text("uploaded in development")
    _rebuild()

    response = client.get("/media/hello.txt")

    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content) == b"uploaded in development"  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_nothing_is_served_from_media_with_debug_off(
    urls_built_with: Settings, tmp_path: Path, client: Client
) -> None:
    urls_built_with.MEDIA_ROOT = tmp_path
    (tmp_path / "hello.txt").write_text("must not be served")
    _rebuild()

    response = client.get("/media/hello.txt")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"must not be served" not in response.content
