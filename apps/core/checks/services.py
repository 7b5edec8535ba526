"""The release gate for the services' variables: Redis, S3, mail, Sentry, proxies, logging.

Each rule judges a value as the real client would use it (redis-py, boto3, smtplib,
sentry-sdk, gunicorn) and says how to fix it. docs/security.md lists every id.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import connection
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend

from apps.core.checks.connections import _is_s3, _uploads, is_local_host

ONE_DAY = 24 * 60 * 60
# Django's defaults: no mail server accepts them from a real domain's sender.
PLACEHOLDER_SENDERS = {"webmaster@localhost", "root@localhost"}
# The loosest a report limit may be and still limit anything.
MOST_CSP_REPORTS_PER_MINUTE = 600
MOST_ERROR_MAILS_PER_HOUR = 60


def plain_http_beyond_this_machine(url: str | None) -> bool:
    if not url:
        return False
    parts = urlsplit(url)
    return parts.scheme == "http" and not is_local_host(parts.hostname)


def _deploy(function: Any) -> Any:
    return register(Tags.security, deploy=True)(function)


@_deploy
def check_redis(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """redis-py speaks TLS only for rediss://: redis:// sends the password in clear text."""
    messages: list[CheckMessage] = []
    caches: dict[str, Any] = settings.CACHES
    for alias, cache in caches.items():
        locations = cache.get("LOCATION") or []
        for location in [locations] if isinstance(locations, str) else locations:
            parts = urlsplit(str(location))
            if parts.scheme == "redis" and not is_local_host(parts.hostname):
                messages.append(
                    Warning(
                        f"The {alias!r} cache talks to Redis at {parts.hostname} without TLS: "
                        "its password and every cached value cross the network in clear.",
                        hint="Use the provider's rediss:// URL in REDIS_URL.",
                        id="bastion.W140",
                    )
                )
            verify = cache.get("OPTIONS", {}).get("ssl_cert_reqs")
            if parts.scheme == "rediss" and verify == "none" and not settings.HEROKU_DYNO:
                messages.append(
                    Warning(
                        "REDIS_SSL_CERT_REQS=none off Heroku: any machine on the path can "
                        "pose as the Redis server.",
                        hint="Set REDIS_SSL_CERT_REQS=required; none is only for Heroku "
                        "Key-Value Store's self-signed certificate.",
                        id="bastion.W141",
                    )
                )
    return messages


@_deploy
def check_proxy_trust(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """FORWARDED_ALLOW_IPS=* is right only where the router is every dyno's only peer."""
    if "*" not in settings.FORWARDED_ALLOW_IPS or settings.HEROKU_DYNO:
        return []
    return [
        Warning(
            "FORWARDED_ALLOW_IPS=* off Heroku: any client that reaches the server directly "
            "can claim HTTPS and any address in X-Forwarded-For, escaping lockouts and rate "
            "limits.",
            hint="Set FORWARDED_ALLOW_IPS to the proxy's addresses or networks "
            "(10.0.0.5,10.1.0.0/16).",
            id="bastion.W142",
        )
    ]


@_deploy
def check_s3_endpoint(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """boto3 follows AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL when no endpoint is configured."""
    backend, options = _uploads()
    if not _is_s3(backend) or options.get("endpoint_url"):
        return []
    if not plain_http_beyond_this_machine(settings.BOTO3_ENDPOINT_URL):
        return []
    return [
        Warning(
            "boto3's endpoint variable (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL) is plain "
            "http:// to another machine: uploads and signed requests cross the network in clear.",
            hint="Use the provider's https:// endpoint.",
            id="bastion.W143",
        )
    ]


@_deploy
def check_signed_links(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    backend, options = _uploads()
    if not _is_s3(backend):
        return []
    expire = int(options.get("querystring_expire") or 3600)
    if expire <= ONE_DAY:
        return []
    return [
        Warning(
            f"Signed upload links work for {expire} s: a link that leaks (a log, a "
            "forwarded mail, a browser history) opens the file for days.",
            hint="Set AWS_QUERYSTRING_EXPIRE to 86400 or less (3600 is the default).",
            id="bastion.W144",
        )
    ]


@_deploy
def check_mail(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    sends = settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    if settings.ADMINS and not sends:
        messages.append(
            Warning(
                "ADMINS is set but no mail server is: server errors are mailed to no one.",
                hint="Set EMAIL_URL to your provider's submission:// or smtps:// URL.",
                id="bastion.W145",
            )
        )
    # SERVER_EMAIL sends only the error mail to ADMINS.
    senders = ["DEFAULT_FROM_EMAIL", *(["SERVER_EMAIL"] if settings.ADMINS else [])]
    for name in senders:
        address = parseaddr(str(getattr(settings, name)))[1].lower()
        if sends and address in PLACEHOLDER_SENDERS:
            messages.append(
                Warning(
                    f"{name} is Django's placeholder {address}: providers refuse it, or "
                    "the mail lands in spam.",
                    hint=f"Set {name} to an address of a domain your provider sends for.",
                    id="bastion.W146",
                )
            )
    return messages


@_deploy
def check_sentry(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """The DSN the running sentry-sdk client sends to, as it sends."""
    if "sentry_sdk" not in sys.modules:
        return []
    client = sys.modules["sentry_sdk"].get_client()
    dsn = str(client.dsn or "") if client.is_active() else ""
    if not plain_http_beyond_this_machine(dsn):
        return []
    return [
        Warning(
            "SENTRY_DSN is plain http:// to another machine: every error report, with its "
            "traceback and request, crosses the network in clear.",
            hint="Use the https:// DSN from the Sentry project's settings.",
            id="bastion.W147",
        )
    ]


@_deploy
def check_log_level(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or settings.LOG_LEVEL != "DEBUG":
        return []
    return [
        Warning(
            "LOG_LEVEL=DEBUG in production: libraries log SQL with its parameters, mail "
            "sessions and HTTP bodies, and the volume hides what matters.",
            hint="Set LOG_LEVEL=INFO (the default) or WARNING.",
            id="bastion.W148",
        )
    ]


@_deploy
def check_report_limits(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if settings.CSP_REPORTS_PER_MINUTE > MOST_CSP_REPORTS_PER_MINUTE:
        messages.append(
            Warning(
                f"CSP_REPORTS_PER_MINUTE={settings.CSP_REPORTS_PER_MINUTE}: one client may "
                "fill the log with forged reports.",
                hint=f"Set CSP_REPORTS_PER_MINUTE to {MOST_CSP_REPORTS_PER_MINUTE} or less "
                "(30 is the default).",
                id="bastion.W149",
            )
        )
    per_hour = settings.ERROR_MAILS_PER_KIND * 3600 / max(settings.ERROR_MAIL_WINDOW_SECONDS, 1)
    if per_hour > MOST_ERROR_MAILS_PER_HOUR:
        messages.append(
            Warning(
                f"Error mail is limited to {per_hour:.0f} an hour for one kind of error: a "
                "visitor who can cause that error can flood ADMINS' inboxes.",
                hint="Keep ERROR_MAILS_PER_KIND / ERROR_MAIL_WINDOW_SECONDS at or below "
                f"{MOST_ERROR_MAILS_PER_HOUR} an hour (3 an hour is the default).",
                id="bastion.W150",
            )
        )
    return messages


@register(Tags.database)
def check_lost_tasks(
    app_configs: Sequence[Any] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    """Tasks RUNNING past TASKS_STALE_AFTER_SECONDS: their worker died (`check --database`).

    Like Django's own database checks, it queries only when asked for `databases`: the
    serve-time refusal asks for none, so a preloaded master opens no connection that its
    forked workers would share.
    """
    if not databases or not isinstance(task_backends["default"], DatabaseBackend):
        return []
    from django_tasks_db.models import DBTaskResult

    from apps.core.lost_tasks import stale_tasks

    # `migrate` runs the database checks before it creates the table: nothing is lost yet.
    if DBTaskResult._meta.db_table not in connection.introspection.table_names():
        return []

    stale = stale_tasks()
    if not stale:
        return []
    return [
        Warning(
            f"{len(stale)} task(s) have been RUNNING for more than "
            f"{settings.TASKS_STALE_AFTER_SECONDS} s: their worker died.",
            hint="Run `python manage.py recover_tasks` (the worker also does as it starts).",
            id="bastion.W170",
        )
    ]
