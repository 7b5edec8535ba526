"""The nightly jobs: `manage.py nightly` enqueues them, the worker (or the caller) runs them."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django import Settings

pytestmark = pytest.mark.django_db


def sessions(*, expired: int, live: int) -> None:
    for count, offset in ((expired, timedelta(days=-1)), (live, timedelta(days=1))):
        for _ in range(count):
            store = SessionStore()
            store.create()
            Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() + offset)


def nightly() -> str:
    out = StringIO()
    call_command("nightly", stdout=out)
    return out.getvalue()


def test_nightly_deletes_the_expired_sessions_and_keeps_the_live_ones() -> None:
    sessions(expired=3, live=2)

    said = nightly()

    assert said.startswith("expired_sessions_clear: successful")
    assert Session.objects.count() == 2
    assert not Session.objects.filter(expire_date__lt=timezone.now()).exists()


# The worker closes its database connection when it is done: outside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_backend_nightly_queues_the_job_for_the_procfile_worker(
    settings: Settings,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    sessions(expired=2, live=1)

    said = nightly()
    queued = Session.objects.count()
    # What the Procfile's worker runs, once over the queue instead of forever.
    call_command("db_worker", "--queue-name", "*", "--batch", "--no-reload", "--no-startup-delay")

    assert said.startswith("expired_sessions_clear: ready")
    assert queued == 3
    assert Session.objects.count() == 1
    assert DBTaskResult.objects.get().return_value == 2
