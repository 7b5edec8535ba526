"""Connections to the database, mail and the uploads bucket: W035, W120, W130-W134."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import run_checks
from django.core.files.storage import FileSystemStorage
from django.core.mail.backends.smtp import EmailBackend
from pytest_django import Settings
from storages.backends.s3 import S3Storage  # type: ignore[import-untyped]

from apps.core.checks import connections
from config import service_urls
from tests.apps.core.checks import ids
from tests.support.settings import apply_production_settings, load_settings_module


def deploy_ids() -> set[str]:
    return {str(message.id) for message in run_checks(include_deployment_checks=True)}


def s3(settings: Settings, **options: Any) -> None:
    """The STORAGES config/settings.py makes for a bucket, with these options changed."""
    storages = load_settings_module(AWS_STORAGE_BUCKET_NAME="shop-uploads")["STORAGES"]
    storages["default"]["OPTIONS"].update(options)
    settings.STORAGES = storages


def test_the_bucket_configuration_passes_every_uploads_check(production: Settings) -> None:
    s3(production)

    assert ids(connections.check_uploads()) == set()
    assert ids(connections.check_storage_credentials()) == set()


@pytest.mark.parametrize("acl", ["public-read", "public-read-write", "authenticated-read"])
def test_a_public_default_acl_fires_w131(production: Settings, acl: str) -> None:
    s3(production, default_acl=acl)

    assert ids(connections.check_uploads()) == {"bastion.W131"}


def test_a_public_acl_from_the_global_setting_fires_w131_too(production: Settings) -> None:
    s3(production)
    del production.STORAGES["default"]["OPTIONS"]["default_acl"]
    production.AWS_DEFAULT_ACL = "public-read"

    assert ids(connections.check_uploads()) == {"bastion.W131"}


def test_a_private_acl_is_accepted(production: Settings) -> None:
    s3(production, default_acl="private")

    assert ids(connections.check_uploads()) == set()


def test_unsigned_upload_urls_fire_w132(production: Settings) -> None:
    s3(production, querystring_auth=False)

    assert ids(connections.check_uploads()) == {"bastion.W132"}


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("http://s3.example.com", {"bastion.W133"}),
        ("https://s3.example.com", set()),
        ("http://127.0.0.1:9000", set()),
        ("http://localhost:9000", set()),
    ],
)
def test_a_plain_http_endpoint_beyond_this_machine_fires_w133(
    production: Settings, endpoint: str, expected: set[str]
) -> None:
    s3(production, endpoint_url=endpoint)

    assert ids(connections.check_uploads()) == expected


def test_uploads_to_the_local_disk_with_debug_off_fire_w130(production: Settings) -> None:
    production.STORAGES = {
        **production.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }

    assert ids(connections.check_uploads()) == {"bastion.W130"}


def test_uploads_to_the_local_disk_in_development_are_fine(settings: Settings) -> None:
    settings.DEBUG = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }

    assert ids(connections.check_uploads()) == set()


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"access_key": "AKIAEXAMPLE", "secret_key": None}, "AWS_SECRET_ACCESS_KEY"),
        ({"access_key": None, "secret_key": "s3-secret"}, "AWS_ACCESS_KEY_ID"),
    ],
)
def test_half_the_credentials_fire_w134_naming_the_missing_one(
    settings: Settings, options: dict[str, Any], named: str
) -> None:
    s3(settings, **options)

    messages = connections.check_storage_credentials()

    assert ids(messages) == {"bastion.W134"}
    assert f"without {named}" in str(messages[0].msg)


def _postgres(host: str, **options: str) -> dict[str, Any]:
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "app",
        "HOST": host,
        "OPTIONS": options,
    }


@pytest.mark.parametrize(
    "database",
    [
        _postgres("db.example.com"),
        _postgres("ec2-1-2-3-4.compute-1.amazonaws.com", sslmode="prefer"),
        _postgres("52.1.2.3", sslmode="disable"),
    ],
)
def test_postgresql_on_a_remote_host_without_tls_is_named(database: dict[str, Any]) -> None:
    found = connections.databases_without_tls({"default": database})

    assert found == [f"default ({database['HOST']})"]


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_a_remote_postgresql_without_tls_fires_w035(production: Settings) -> None:
    url = "postgres://u:p@db.example.com:5432/app"
    production.DATABASES = {  # the settings as DATABASE_URL makes them, TLS not required
        "default": service_urls.database_config(url, conn_max_age=0, ssl_require=False)
    }

    assert ids(connections.check_database_tls()) == {"bastion.W035"}


@pytest.mark.parametrize(
    "database",
    [
        _postgres("db.example.com", sslmode="require"),
        _postgres("db.example.com", sslmode="verify-full"),
        _postgres("127.0.0.1"),
        _postgres("db"),
        _postgres("/var/run/postgresql"),
        _postgres("10.0.3.4"),
    ],
)
def test_postgresql_over_tls_or_on_a_private_network_is_quiet(database: dict[str, Any]) -> None:
    assert connections.databases_without_tls({"default": database}) == []


@pytest.mark.parametrize(
    "url",
    [
        "smtp://ada:hunter2-secret@smtp.example.com:25",
        "smtp://smtp.example.com:2525",
        "smtp://ada:hunter2-secret@52.1.2.3",
    ],
)
def test_a_remote_smtp_server_without_tls_fails_the_deploy_checks(
    settings: Settings, url: str
) -> None:
    apply_production_settings(settings, EMAIL_URL=url)

    [message] = connections.check_mail()

    assert message.id == "bastion.W120"
    assert "bastion.W120" in deploy_ids()
    assert "without TLS" in message.msg
    assert "hunter2" not in message.msg + str(message.hint)


@pytest.mark.parametrize(
    "url",
    [
        "submission://ada:pw@smtp.example.com",
        "smtp+tls://ada:pw@smtp.example.com:587",
        "smtps://ada:pw@smtp.example.com",
        "smtp://ada:pw@smtp.example.com:25?tls=true",
        "smtp://127.0.0.1:25",
        "smtp://localhost:1025",
        "console://",
    ],
)
def test_tls_or_a_server_on_this_machine_passes(settings: Settings, url: str) -> None:
    apply_production_settings(settings, EMAIL_URL=url)

    assert connections.check_mail() == []


def test_no_email_url_in_production_passes_the_checks(settings: Settings) -> None:
    apply_production_settings(settings)

    assert settings.EMAIL_BACKEND == "apps.core.mail.NotSentEmailBackend"
    assert connections.check_mail() == []


def netloc(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@pytest.mark.parametrize(
    "host", ["localhost", "127.0.0.1", "::1", "db", "mailpit", "10.0.0.5", "169.254.1.1"]
)
def test_a_host_is_local_for_mail_and_the_bucket_as_it_is_for_the_database(
    settings: Settings, host: str
) -> None:
    apply_production_settings(settings, EMAIL_URL=f"smtp://{netloc(host, 1025)}")
    s3(settings, endpoint_url=f"http://{netloc(host, 9000)}")

    assert connections.databases_without_tls({"default": _postgres(host)}) == []
    assert connections.check_mail() == []
    assert "bastion.W133" not in ids(connections.check_uploads())


@pytest.mark.parametrize("host", ["smtp.example.com", "52.1.2.3", "2600:1f18::1"])
def test_a_host_is_remote_for_mail_and_the_bucket_as_it_is_for_the_database(
    settings: Settings, host: str
) -> None:
    apply_production_settings(settings, EMAIL_URL=f"smtp://{netloc(host, 25)}")
    s3(settings, endpoint_url=f"http://{netloc(host, 9000)}")

    assert connections.databases_without_tls({"default": _postgres(host)}) == [f"default ({host})"]
    assert ids(connections.check_mail()) == {"bastion.W120"}
    assert "bastion.W133" in ids(connections.check_uploads())


class LoggingEmailBackend(EmailBackend):
    """A project's own SMTP backend, as one written to log each message would be."""


class PublicS3Storage(S3Storage):  # type: ignore[misc]
    """A project's own bucket storage."""


class DiskStorage(FileSystemStorage):
    """A project's own storage on the server's disk."""


def test_a_subclass_of_djangos_smtp_backend_is_judged_as_smtp(settings: Settings) -> None:
    apply_production_settings(settings, EMAIL_URL="smtp://smtp.example.com:25")
    settings.EMAIL_BACKEND = f"{__name__}.LoggingEmailBackend"

    assert ids(connections.check_mail()) == {"bastion.W120"}


def test_a_subclass_of_s3storage_is_judged_as_s3(production: Settings) -> None:
    s3(production, default_acl="public-read")
    default = {**production.STORAGES["default"], "BACKEND": f"{__name__}.PublicS3Storage"}
    production.STORAGES = {**production.STORAGES, "default": default}

    assert ids(connections.check_uploads()) == {"bastion.W131"}


def test_a_subclass_of_filesystemstorage_with_debug_off_fires_w130(production: Settings) -> None:
    production.STORAGES = {
        **production.STORAGES,
        "default": {"BACKEND": f"{__name__}.DiskStorage"},
    }

    assert ids(connections.check_uploads()) == {"bastion.W130"}
