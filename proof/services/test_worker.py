"""
Background tasks on PostgreSQL: one process enqueues, the Procfile's worker command runs
the task, and SIGTERM (what Heroku and Docker send on every restart) loses nothing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from proof import harness
from proof.harness import Database, wait_until
from proof.services.tasks import MARKS_TABLE
from tests.support.commands import procfile


def _results_table() -> str:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult._meta.db_table


RESULTS_TABLE = _results_table()


def dyno_env(database: Database, **values: str) -> dict[str, str]:
    env = harness.production_env(database.url, TASKS_BACKEND="database", **values)
    # `python` in the Procfile is the project's interpreter, as on a dyno.
    env["PATH"] = f"{harness.BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def enqueue(database: Database, label: str, seconds: float) -> str:
    """Enqueue proof.services.tasks.mark from a process of its own; return the task's id."""
    code = (
        "from proof.services.tasks import mark; "
        f"print(mark.enqueue(label={label!r}, seconds={seconds}).id)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=harness.REPO,
        env=dyno_env(database),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def status(database: Database, task_id: str) -> str:
    return str(database.scalar(f"SELECT status FROM {RESULTS_TABLE} WHERE id = %s", [task_id]))  # noqa: S608


def marks(database: Database) -> list[str]:
    return [row[0] for row in database.query(f"SELECT label FROM {MARKS_TABLE} ORDER BY id")]  # noqa: S608


class Worker:
    """The Procfile's worker on the test database, stopped by its PID."""

    def __init__(self, database: Database, log: Path, **env: str) -> None:
        self.log_path = log
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                procfile()["worker"],
                cwd=harness.REPO,
                env=dyno_env(database, **env),
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def terminate(self) -> None:
        self.process.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def tasks_database(database: Database) -> Database:
    database.query(f"CREATE TABLE {MARKS_TABLE} (id serial PRIMARY KEY, label text NOT NULL)")
    return database


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.stop()
        print(f"--- worker log:\n{worker.log[-3000:]}")


def test_the_procfile_worker_runs_a_task_another_process_enqueued(
    tasks_database: Database, workers: list[Worker], tmp_path: Path
) -> None:
    task_id = enqueue(tasks_database, "hello", 0)
    assert status(tasks_database, task_id) == "READY"

    workers.append(Worker(tasks_database, tmp_path / "worker.log"))
    wait_until(lambda: status(tasks_database, task_id) == "SUCCESSFUL", 30, "the task to run")

    assert marks(tasks_database) == ["hello"]
    returned = tasks_database.scalar(
        f"SELECT return_value FROM {RESULTS_TABLE} WHERE id = %s",  # noqa: S608
        [task_id],
    )
    assert returned == "hello"


def test_sigterm_during_a_task_finishes_it_and_leaves_the_queue_intact(
    tasks_database: Database, workers: list[Worker], tmp_path: Path
) -> None:
    running_id = enqueue(tasks_database, "in progress", 3)
    waiting_id = enqueue(tasks_database, "still queued", 0)
    worker = Worker(tasks_database, tmp_path / "worker-1.log")
    workers.append(worker)
    wait_until(lambda: status(tasks_database, running_id) == "RUNNING", 30, "the task to start")

    worker.terminate()
    started = time.monotonic()
    exit_status = worker.process.wait(25)  # within Heroku's 30 s before SIGKILL
    stopped_after = time.monotonic() - started

    assert exit_status == 0, worker.log
    assert status(tasks_database, running_id) == "SUCCESSFUL"
    assert marks(tasks_database) == ["in progress"]
    # The next task was never claimed: it waits for the next worker.
    assert status(tasks_database, waiting_id) == "READY"
    print(f"SIGTERM mid-task: the worker finished the task and exited in {stopped_after:.1f} s")

    workers.append(Worker(tasks_database, tmp_path / "worker-2.log"))
    wait_until(lambda: status(tasks_database, waiting_id) == "SUCCESSFUL", 30, "the next task")
    assert marks(tasks_database) == ["in progress", "still queued"]


def test_sigterm_while_idle_stops_the_worker_at_once(
    tasks_database: Database, workers: list[Worker], tmp_path: Path
) -> None:
    worker = Worker(tasks_database, tmp_path / "worker.log")
    workers.append(worker)
    wait_until(lambda: "Starting worker" in worker.log, 30, "the worker to start")
    time.sleep(1.5)  # past the start-up delay, into the polling loop

    worker.terminate()
    started = time.monotonic()

    assert worker.process.wait(10) == 0, worker.log
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "case",
    [
        ("proof.services.settings", "SUCCESSFUL", "Lost tasks: 1 queued again, 0 failed."),
        (harness.SITE_SETTINGS, "FAILED", "Lost tasks: 0 queued again, 1 failed."),
    ],
    ids=["safe to repeat", "not safe to repeat"],
)
def test_a_task_whose_worker_was_killed_is_recovered_by_the_next_worker(
    tasks_database: Database, workers: list[Worker], tmp_path: Path, case: tuple[str, str, str]
) -> None:
    settings_module, outcome, line = case
    task_id = enqueue(tasks_database, "killed mid-run", 20)
    env = {"DJANGO_SETTINGS_MODULE": settings_module}
    killed = Worker(tasks_database, tmp_path / "worker-1.log", **env)
    workers.append(killed)
    wait_until(lambda: status(tasks_database, task_id) == "RUNNING", 30, "the task to start")

    killed.process.kill()  # SIGKILL: what the platform sends 30 s after SIGTERM, or OOM
    killed.process.wait(10)
    assert status(tasks_database, task_id) == "RUNNING"
    # As if TASKS_STALE_AFTER_SECONDS had passed since it started.
    tasks_database.query(
        f"UPDATE {RESULTS_TABLE} SET started_at = now() - interval '1 hour' WHERE id = %s",  # noqa: S608
        [task_id],
    )

    successor = Worker(tasks_database, tmp_path / "worker-2.log", **env)
    workers.append(successor)
    wait_until(lambda: status(tasks_database, task_id) == outcome, 60, f"the task {outcome}")

    assert line in successor.log
    assert marks(tasks_database) == (["killed mid-run"] if outcome == "SUCCESSFUL" else [])
