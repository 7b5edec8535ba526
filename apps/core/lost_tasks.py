"""Tasks whose worker died: found, and run again or failed.

A worker that is killed mid-task (SIGKILL after the platform's grace period, an
out-of-memory kill, a crashed dyno) leaves its task RUNNING for ever: django-tasks-db
never looks at it again. A task still RUNNING after TASKS_STALE_AFTER_SECONDS is taken
for lost. It is queued again if its path is in TASKS_SAFE_TO_REPEAT (running it twice
does no harm), and failed otherwise, so that nothing is done twice unasked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class WorkerLost(Exception):
    """The worker running the task stopped before the task finished."""


@dataclass(frozen=True)
class Recovered:
    requeued: list[str]
    failed: list[str]


def stale_tasks() -> list[DBTaskResult[Any, Any]]:
    """Tasks RUNNING for longer than any task may run."""
    cutoff = timezone.now() - timedelta(seconds=settings.TASKS_STALE_AFTER_SECONDS)
    return list(DBTaskResult.objects.running().filter(started_at__lt=cutoff))


def tasks_recover() -> Recovered:
    """Queue again the lost tasks that are safe to repeat; fail the others."""
    requeued: list[str] = []
    failed: list[str] = []
    for stale in stale_tasks():
        with transaction.atomic():
            task = DBTaskResult.objects.select_for_update().get(pk=stale.pk)
            if task.status != TaskResultStatus.RUNNING:
                continue  # finished meanwhile
            if task.task_path in settings.TASKS_SAFE_TO_REPEAT:
                task.status = TaskResultStatus.READY
                task.save(update_fields=["status"])
                requeued.append(str(task.pk))
            else:
                task.set_failed(WorkerLost("the worker stopped before the task finished"))
                failed.append(str(task.pk))
    return Recovered(requeued=requeued, failed=failed)
