"""
Checks for the services a deployment leans on: uploads storage and its bucket.

Ids bastion.W130 to W139. They read django.conf.settings, so a project that
edits its STORAGES by hand is checked the same way as one configured from the
environment.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

S3_BACKENDS = {"storages.backends.s3.S3Storage", "storages.backends.s3boto3.S3Boto3Storage"}
LOCAL_BACKENDS = {"django.core.files.storage.FileSystemStorage"}
# Canned ACLs that let someone other than the bucket's owner read the objects.
PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read", "aws-exec-read"}


def _uploads() -> tuple[str, dict[str, Any]]:
    default: Any = settings.STORAGES.get("default") or {}
    return str(default.get("BACKEND", "")), dict(default.get("OPTIONS", {}))


def _option(options: dict[str, Any], name: str, default: Any) -> Any:
    """An S3Storage option as django-storages reads it: OPTIONS, then AWS_<NAME>, then default."""
    if name in options:
        return options[name]
    return getattr(settings, f"AWS_{name.upper()}", default)


def _is_loopback(host: str | None) -> bool:
    if host in {None, "localhost"}:
        return True
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False


@register(Tags.security, deploy=True)
def check_uploads(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    backend, options = _uploads()
    if backend in LOCAL_BACKENDS and not settings.DEBUG:
        return [
            Warning(
                "Uploads are written to the server's own disk, which a dyno or container "
                "loses on every restart.",
                hint="Set AWS_STORAGE_BUCKET_NAME (docs/heroku.md) to keep uploads in a bucket.",
                id="bastion.W130",
            )
        ]
    if backend not in S3_BACKENDS:
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
    if parts and parts.scheme == "http" and not _is_loopback(parts.hostname):
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
    if backend not in S3_BACKENDS:
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
