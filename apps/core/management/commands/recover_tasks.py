"""`manage.py recover_tasks`: queue again or fail the tasks whose worker died."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from apps.core.lost_tasks import tasks_recover


class Command(BaseCommand):
    help = (
        "Find tasks RUNNING past TASKS_STALE_AFTER_SECONDS (their worker died): queue again "
        "those in TASKS_SAFE_TO_REPEAT, fail the others. The worker runs it as it starts."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        recovered = tasks_recover()
        self.stdout.write(
            f"Lost tasks: {len(recovered.requeued)} queued again, {len(recovered.failed)} failed."
        )
