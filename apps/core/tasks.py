"""The project's own background work, run by the worker (or in the caller, TASKS_BACKEND=immediate).

`manage.py nightly` enqueues the jobs that run once a day; Heroku Scheduler (docs/heroku.md)
or the compose stack's scheduler service (docs/docker.md) runs that command.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import task


@task()
def expired_sessions_clear() -> int:
    """Delete the sessions past their expiry date; return how many were deleted.

    Django never deletes a database session by itself: without this, every sign-in
    ever made stays in the table.
    """
    engine = import_module(settings.SESSION_ENGINE)
    before = Session.objects.filter(expire_date__lt=timezone.now()).count()
    engine.SessionStore.clear_expired()
    return before
