"""
Connections to the services a deployment leans on: the database, mail and the
uploads bucket (W035, W120, W130-W134).

Each rule asks one question of a host, is_local_host(), so a Compose service
name (`db`, `mailpit`) or a private address counts as local for every service
alike. Backends are judged by class, so a subclass of Django's SMTP backend or
of django-storages' S3Storage is checked as the class it extends. The rules
read django.conf.settings, so a project that edits its STORAGES by hand is
checked the same way as one configured from the environment.
"""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.core.files.storage import FileSystemStorage
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.utils.module_loading import import_string

from apps.core.uploads import NoUploadsStorage

S3_MODULE = "storages.backends.s3"
TLS_SSLMODES = frozenset({"require", "verify-ca", "verify-full"})
# Canned ACLs that let someone other than the bucket's owner read the objects.
PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read", "aws-exec-read"}


def is_local_host(host: str | None) -> bool:
    """True for a host on this machine or its private network.

    Loopback, private and link-local addresses, `localhost`, and a name of one
    label (a Compose service such as `db` or `mailpit`) are local; so is no
    host or a socket path, where the client connects on this machine.
    """
    if not host or host.startswith("/"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host.lower() == "localhost" or "." not in host
    return address.is_loopback or address.is_private or address.is_link_local


def backend_class(path: str) -> type | None:
    """The class a dotted path names, or None when it cannot be imported or is no class."""
    try:
        backend = import_string(path)
    except ImportError:
        return None
    return backend if isinstance(backend, type) else None


def databases_without_tls(databases: dict[str, dict[str, Any]]) -> list[str]:
    """The PostgreSQL connections that cross a network in the clear."""
    return [
        f"{alias} ({config.get('HOST')})"
        for alias, config in databases.items()
        if "postgis" in config.get("ENGINE", "") or "postgresql" in config.get("ENGINE", "")
        if not is_local_host(str(config.get("HOST") or ""))
        and str((config.get("OPTIONS") or {}).get("sslmode", "")).lower() not in TLS_SSLMODES
    ]


@register(Tags.security, deploy=True)
def check_database_tls(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    plain = databases_without_tls(settings.DATABASES)
    if plain:
        return [
            Warning(
                f"PostgreSQL on a remote host without TLS: {', '.join(plain)}; the password "
                "and every row cross the network readable.",
                hint="Set DATABASE_SSL_REQUIRE=true (or ?sslmode=verify-full in DATABASE_URL).",
                id="bastion.W035",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_mail(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    smtp = backend_class(settings.EMAIL_BACKEND)
    remote = not is_local_host(settings.EMAIL_HOST)
    encrypted = settings.EMAIL_USE_TLS or settings.EMAIL_USE_SSL
    if smtp is not None and issubclass(smtp, SMTPBackend) and remote and not encrypted:
        # The host only: EMAIL_URL also holds the account's password.
        return [
            Warning(
                f"Mail to {settings.EMAIL_HOST} is sent without TLS: the SMTP password and "
                "every password-reset link cross the network in the clear.",
                hint=(
                    "Use submission://user:password@host:587 (STARTTLS) or "
                    "smtps://user:password@host:465 in EMAIL_URL."
                ),
                id="bastion.W120",
            )
        ]
    return []


def _uploads() -> tuple[type | None, dict[str, Any]]:
    default: Any = settings.STORAGES.get("default") or {}
    return backend_class(str(default.get("BACKEND", ""))), dict(default.get("OPTIONS", {}))


def _is_s3(backend: type | None) -> bool:
    """A subclass of django-storages' S3Storage.

    Importing its module loads boto3 (some 40 MiB and half a second), so it is
    looked up only once the configured backend's own import has loaded it, as
    any subclass's import does.
    """
    s3 = sys.modules.get(S3_MODULE)
    return backend is not None and s3 is not None and issubclass(backend, s3.S3Storage)


def _writes_to_disk(backend: type | None) -> bool:
    """A storage that saves on the server's own disk (NoUploadsStorage refuses to save)."""
    return (
        backend is not None
        and issubclass(backend, FileSystemStorage)
        and not issubclass(backend, NoUploadsStorage)
    )


def _option(options: dict[str, Any], name: str, default: Any) -> Any:
    """An S3Storage option as django-storages reads it: OPTIONS, then AWS_<NAME>, then default."""
    if name in options:
        return options[name]
    return getattr(settings, f"AWS_{name.upper()}", default)


@register(Tags.security, deploy=True)
def check_uploads(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    backend, options = _uploads()
    if _writes_to_disk(backend) and not settings.DEBUG:
        return [
            Warning(
                "Uploads are written to the server's own disk, which a dyno or container "
                "loses on every restart.",
                hint="Set AWS_STORAGE_BUCKET_NAME (docs/heroku.md) to keep uploads in a bucket.",
                id="bastion.W130",
            )
        ]
    if not _is_s3(backend):
        return []
    messages: list[CheckMessage] = []
    acl = _option(options, "default_acl", None)
    if acl in PUBLIC_ACLS:
        messages.append(
            Warning(
                f"Uploads are stored with the public ACL {acl!r}: anyone with a URL can read them.",
                hint="Set default_acl to None, keep the bucket's public access blocked, "
                "and hand out signed URLs.",
                id="bastion.W131",
            )
        )
    if not _option(options, "querystring_auth", True):
        messages.append(
            Warning(
                "Upload URLs are not signed (querystring_auth is off), so they never expire "
                "and work only on a public bucket.",
                hint="Keep querystring_auth=True: each URL is signed and expires.",
                id="bastion.W132",
            )
        )
    endpoint = _option(options, "endpoint_url", None)
    parts = urlsplit(endpoint) if endpoint else None
    if parts and parts.scheme == "http" and not is_local_host(parts.hostname):
        messages.append(
            Warning(
                f"The storage endpoint {parts.hostname} is reached over plain HTTP.",
                hint="Use the provider's https:// endpoint in AWS_S3_ENDPOINT_URL.",
                id="bastion.W133",
            )
        )
    return messages


@register()
def check_storage_credentials(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    backend, options = _uploads()
    if not _is_s3(backend):
        return []
    key_id = _option(options, "access_key", None)
    secret = _option(options, "secret_key", None)
    if bool(key_id) == bool(secret):
        return []
    given, missing = (
        ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
        if key_id
        else ("AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID")
    )
    return [
        Warning(
            f"{given} is set without {missing}, so the bucket cannot be reached.",
            hint="Set both from the bucket's credentials, or neither to use the server's role.",
            id="bastion.W134",
        )
    ]
