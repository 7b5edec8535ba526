"""apps/core/lost_tasks.py and the worker: a task whose worker died is run again or failed."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max
from pytest_django import Settings

from apps.core.checks.services import check_lost_tasks
from tests.support.settings import REPO

SAFE = "tests.apps.core.test_lost_tasks.resend"
UNSAFE = "tests.apps.core.test_lost_tasks.charge"


@task()
def resend() -> None:
    """Safe to run twice."""


@task()
def charge() -> None:
    """Not safe to run twice."""


@pytest.fixture
def database_tasks(settings: Settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASKS_SAFE_TO_REPEAT = [SAFE]
    settings.TASKS_STALE_AFTER_SECONDS = 600


def running(path: str, *, minutes_ago: int) -> DBTaskResult[Any, Any]:
    result: DBTaskResult[Any, Any] = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(minutes=minutes_ago),
        args_kwargs={"args": [], "kwargs": {}},
        task_path=path,
        backend_name="default",
        queue_name="default",
        run_after=get_date_max(),
        worker_ids=["dead-worker"],
    )
    return result


@pytest.mark.django_db
@pytest.mark.usefixtures("database_tasks")
def test_a_lost_task_is_queued_again_if_safe_to_repeat_and_failed_otherwise() -> None:
    safe, unsafe = running(SAFE, minutes_ago=30), running(UNSAFE, minutes_ago=30)
    busy = running(UNSAFE, minutes_ago=1)

    output = io.StringIO()
    call_command("recover_tasks", stdout=output)

    statuses = {r.pk: r.status for r in DBTaskResult.objects.all()}
    assert statuses[safe.pk] == TaskResultStatus.READY
    assert statuses[unsafe.pk] == TaskResultStatus.FAILED
    assert statuses[busy.pk] == TaskResultStatus.RUNNING
    failed = DBTaskResult.objects.get(pk=unsafe.pk)
    assert failed.exception_class_path == "apps.core.lost_tasks.WorkerLost"
    assert output.getvalue() == "Lost tasks: 1 queued again, 1 failed.\n"


@pytest.mark.django_db
@pytest.mark.usefixtures("database_tasks")
def test_the_check_reports_tasks_stuck_past_the_limit() -> None:
    running(UNSAFE, minutes_ago=1)
    assert check_lost_tasks(databases=["default"]) == []

    running(UNSAFE, minutes_ago=30)

    [warning] = check_lost_tasks(databases=["default"])
    assert warning.id == "bastion.W170"
    assert "1 task(s)" in warning.msg


def test_db_worker_with_the_immediate_backend_stops_with_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "db_worker"],
        cwd=REPO,
        env={"ENV_FILE": "", "TASKS_BACKEND": "immediate", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [
        "db_worker needs TASKS_BACKEND=database: tasks now run inside the request that "
        "enqueues them, so a worker has nothing to do. Set TASKS_BACKEND=database, or "
        "remove the worker process."
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("database_tasks")
def test_the_check_passes_before_migrate_creates_the_tasks_table() -> None:
    from django.db import connection

    with connection.schema_editor() as editor:
        editor.delete_model(DBTaskResult)
    try:
        assert check_lost_tasks(databases=["default"]) == []
    finally:
        with connection.schema_editor() as editor:
            editor.create_model(DBTaskResult)


@pytest.mark.django_db
@pytest.mark.usefixtures("database_tasks")
def test_the_check_asks_the_database_nothing_unless_databases_are_checked(
    django_assert_num_queries: Any,
) -> None:
    running(UNSAFE, minutes_ago=30)

    # As the serve-time refusal runs every check, before gunicorn forks its workers.
    with django_assert_num_queries(0):
        assert check_lost_tasks(app_configs=None, databases=None) == []
