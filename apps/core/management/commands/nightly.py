"""`manage.py nightly`: enqueue the jobs that run once a day, for the worker to run.

Run it from a scheduler, once a day: Heroku Scheduler (docs/heroku.md) or the compose
stack's scheduler service (docs/docker.md). A job added here runs wherever that is set up.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from apps.core.tasks import expired_sessions_clear

NIGHTLY = [expired_sessions_clear]


class Command(BaseCommand):
    help = "Enqueue the jobs that run once a day (run it from Heroku Scheduler or cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        for job in NIGHTLY:
            result = job.enqueue()
            self.stdout.write(f"{job.name}: {result.status.lower()} (task {result.id})")
