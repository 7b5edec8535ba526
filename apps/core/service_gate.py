"""The release gate for the services' variables: Redis, S3, mail, Sentry, proxies, logging.

Each rule judges a value as the real client would use it (redis-py, boto3, smtplib,
sentry-sdk, gunicorn) and says how to fix it. docs/security.md lists every id.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend

from apps.core import service_checks

# The bucket's backend is django-storages' S3Storage (apps/core/bucket.py): the S3 rules
# judge its options as they judge S3Storage's.
service_checks.S3_BACKENDS.add("apps.core.bucket.InertS3Storage")


@register(Tags.database)
def check_lost_tasks(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """Tasks RUNNING past TASKS_STALE_AFTER_SECONDS: their worker died (`check --database`)."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return []
    from apps.core.tasks import stale_tasks

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
