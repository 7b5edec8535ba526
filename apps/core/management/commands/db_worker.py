"""django-tasks-db's `db_worker`, which first recovers the tasks a dead worker left behind.

It also stops with one line when TASKS_BACKEND is not "database": there is nothing for
a worker to do when tasks run inside the request, and django-tasks-db would exit with
its usage text and status 2.
"""

from __future__ import annotations

import sys
from typing import Any

from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from apps.core.lost_tasks import tasks_recover

NOT_DATABASE = (
    "db_worker needs TASKS_BACKEND=database: tasks now run inside the request that "
    "enqueues them, so a worker has nothing to do. Set TASKS_BACKEND=database, or remove "
    "the worker process."
)


class Command(DbWorkerCommand):
    def run_from_argv(self, argv: list[str]) -> None:
        if not isinstance(task_backends["default"], DatabaseBackend):
            sys.stderr.write(NOT_DATABASE + "\n")
            sys.exit(3)
        super().run_from_argv(argv)

    def handle(self, *args: Any, **options: Any) -> None:
        recovered = tasks_recover()
        if recovered.requeued or recovered.failed:
            self.stdout.write(
                f"Lost tasks: {len(recovered.requeued)} queued again, "
                f"{len(recovered.failed)} failed."
            )
        super().handle(*args, **options)
