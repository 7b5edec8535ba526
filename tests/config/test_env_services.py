"""config/env.py and config/settings.py: the cache, uploads and task variables."""

from __future__ import annotations

import pytest

from config import env as environment
from tests.support.settings import load_settings_module


def _load(monkeypatch: pytest.MonkeyPatch, **environ: str) -> environment.Env:
    for name in environment.Env.model_fields:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ENV_FILE", "")
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return environment.load()


def test_a_bad_redis_url_never_shows_its_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        _load(monkeypatch, REDIS_URL="http://:hunter2-redis@cache.example.com:6379")

    error = capsys.readouterr().err
    assert "REDIS_URL" in error
    assert "hunter2" not in error


def test_empty_service_variables_leave_each_feature_off(monkeypatch: pytest.MonkeyPatch) -> None:
    env = _load(monkeypatch, REDIS_URL="", AWS_STORAGE_BUCKET_NAME="", AWS_S3_ENDPOINT_URL=" ")

    assert env.REDIS_URL is None
    assert env.AWS_STORAGE_BUCKET_NAME is None
    assert env.AWS_S3_ENDPOINT_URL is None


def test_without_redis_url_each_process_caches_in_its_own_memory() -> None:
    caches = load_settings_module()["CACHES"]

    assert caches["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert caches["default"]["KEY_PREFIX"] == "bastion"


def test_redis_url_selects_the_degrading_redis_cache_with_short_timeouts() -> None:
    cache = load_settings_module(REDIS_URL="redis://127.0.0.1:6379/2", CACHE_KEY_PREFIX="shop")[
        "CACHES"
    ]["default"]

    assert cache["BACKEND"] == "apps.core.cache.RedisCache"
    assert cache["LOCATION"] == "redis://127.0.0.1:6379/2"
    assert cache["KEY_PREFIX"] == "shop"
    assert cache["OPTIONS"]["socket_connect_timeout"] <= 1
    assert cache["OPTIONS"]["socket_timeout"] <= 1
    # A plain connection takes no TLS options: redis-py would refuse the argument.
    assert "ssl_cert_reqs" not in cache["OPTIONS"]


@pytest.mark.parametrize(("value", "expected"), [(None, "required"), ("none", "none")])
def test_rediss_url_verifies_the_certificate_unless_told_not_to(
    value: str | None, expected: str
) -> None:
    environ = {"REDIS_URL": "rediss://:pw@kv.example.com:6380"}
    if value:
        environ["REDIS_SSL_CERT_REQS"] = value

    cache = load_settings_module(**environ)["CACHES"]["default"]

    assert cache["OPTIONS"]["ssl_cert_reqs"] == expected


def test_a_bucket_name_stores_uploads_privately_in_s3_with_signed_urls() -> None:
    storages = load_settings_module(
        AWS_STORAGE_BUCKET_NAME="shop-uploads",
        AWS_S3_ENDPOINT_URL="https://s3.eu-central-003.example.com",
        AWS_S3_REGION_NAME="eu-central-003",
        AWS_ACCESS_KEY_ID="AKIAEXAMPLE1234",
        AWS_SECRET_ACCESS_KEY="s3-secret-value",
        AWS_QUERYSTRING_EXPIRE="600",
    )["STORAGES"]

    uploads = storages["default"]
    # django-storages' S3Storage, serving every object inert (apps/core/bucket.py).
    assert uploads["BACKEND"] == "apps.core.bucket.InertS3Storage"
    options = uploads["OPTIONS"]
    assert options["bucket_name"] == "shop-uploads"
    assert options["endpoint_url"] == "https://s3.eu-central-003.example.com"
    assert options["region_name"] == "eu-central-003"
    assert options["secret_key"] == "s3-secret-value"
    assert options["default_acl"] is None
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 600
    # Static files stay with WhiteNoise.
    assert storages["staticfiles"]["BACKEND"] == "apps.core.storage.RememberedURLsStorage"


@pytest.mark.parametrize(
    ("debug", "backend"),
    [
        ("true", "django.core.files.storage.FileSystemStorage"),
        ("false", "apps.core.uploads.NoUploadsStorage"),
    ],
)
def test_without_a_bucket_uploads_go_to_media_in_development_only(debug: str, backend: str) -> None:
    values = load_settings_module(DEBUG=debug)

    assert values["STORAGES"]["default"]["BACKEND"] == backend
    assert values["MEDIA_ROOT"] == environment.BASE_DIR / "media"


@pytest.mark.parametrize(
    ("value", "backend"),
    [
        (None, "django_tasks.backends.immediate.ImmediateBackend"),
        ("database", "django_tasks_db.DatabaseBackend"),
    ],
)
def test_tasks_backend_picks_where_tasks_run(value: str | None, backend: str) -> None:
    values = load_settings_module(**({"TASKS_BACKEND": value} if value else {}))

    assert values["TASKS"]["default"]["BACKEND"] == backend
