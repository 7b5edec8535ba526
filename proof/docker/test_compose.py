"""`docker compose`, run for real: the development stack as docs/docker.md promises it.

In a copy of the project, on free loopback ports: `up --wait` returns once web answers,
the README's in-container test command passes, a code edit is served without a restart,
the scheduler's nightly job runs through the worker, createsuperuser works, files the
containers write belong to the folder's owner (root here), `watch` rebuilds web and worker
after a dependency change, and `down -v` leaves nothing behind.

It needs a Docker engine with Compose v2. Where none runs, DOCKER_ENGINE_SCRIPT names a
script that starts one (and stops it with its `stop` argument); the proof runs it only
when told to, and stops only an engine it started. The figures go to compose-timings.json
in pytest's base temporary folder, and are printed.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from proof.harness import free_port
from proof.starter.project import copy_project

ENGINE_SCRIPT = os.environ.get("DOCKER_ENGINE_SCRIPT", "")
# What the engine script needs to make the stand-ins of the images the stack names.
ENGINE_IMAGES = {
    "UV_VERSION": "0.13.8",
    "POSTGRES_VERSION": "17",
    "REDIS_VERSION": "7",
    "MAILPIT_VERSION": "v1.27",
}
UP_TIMEOUT = 1500
SCHEDULE_SECONDS = 3


def _engine_answers() -> bool:
    info = subprocess.run(["docker", "info"], capture_output=True, text=True, check=False)
    compose = subprocess.run(
        ["docker", "compose", "version"], capture_output=True, text=True, check=False
    )
    return info.returncode == 0 and compose.returncode == 0


@pytest.fixture(scope="module")
def docker_engine() -> Iterator[None]:
    if _engine_answers():
        yield
        return
    if not ENGINE_SCRIPT:
        pytest.fail("no Docker engine with Compose v2: start one, or set DOCKER_ENGINE_SCRIPT")
    if not Path(ENGINE_SCRIPT).is_file():
        pytest.fail(f"DOCKER_ENGINE_SCRIPT={ENGINE_SCRIPT} is not a file")
    subprocess.run(
        ["bash", ENGINE_SCRIPT], env={**os.environ, **ENGINE_IMAGES}, check=True, timeout=1800
    )
    try:
        assert _engine_answers()
        yield
    finally:
        subprocess.run(["bash", ENGINE_SCRIPT, "stop"], check=False, timeout=300)


@dataclass
class Stack:
    tree: Path
    env: dict[str, str]
    project: str
    web_port: int
    timings: dict[str, float] = field(default_factory=dict)

    def compose(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["docker", "compose", "-p", self.project, *args],
            cwd=self.tree,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def container(self, service: str) -> str:
        return self.compose("ps", "-q", service).stdout.strip()

    def get(self, path: str) -> tuple[int, str]:
        url = f"http://127.0.0.1:{self.web_port}{path}"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, ""
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, ""

    def shell(self, code: str) -> str:
        result = self.compose("exec", "-T", "web", "python", "manage.py", "shell", "-c", code)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout.strip()


def _inspect(container: str, template: str) -> str:
    result = subprocess.run(
        ["docker", "inspect", "--format", template, container],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


@pytest.fixture(scope="module")
def stack(docker_engine: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tree = copy_project(tmp_path_factory.mktemp("compose") / "project")
    web_port, mail_port = free_port(), free_port()
    env = {
        **{name: value for name, value in os.environ.items() if name != "DATABASE_URL"},
        "WEB_PORT": str(web_port),
        "MAIL_PORT": str(mail_port),
        "SCHEDULE_SECONDS": str(SCHEDULE_SECONDS),
    }
    running = Stack(tree, env, f"composeproof{secrets.token_hex(3)}", web_port)
    started = time.monotonic()
    up = running.compose("up", "--build", "--detach", "--wait", timeout=UP_TIMEOUT)
    running.timings["up --wait (build included), s"] = round(time.monotonic() - started, 1)
    first_status, _ = running.get("/healthz")
    running.timings["up --wait to first 200, s"] = round(time.monotonic() - started, 1)
    assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
    running.timings["first status after up --wait"] = first_status
    try:
        yield running
    finally:
        running.compose("down", "-v", "--remove-orphans", timeout=300)
        report = tmp_path_factory.getbasetemp() / "compose-timings.json"
        report.write_text(json.dumps(running.timings, indent=2))
        print(f"\ncompose timings ({report}): {running.timings}")


def test_up_wait_returns_only_once_web_answers(stack: Stack) -> None:
    assert stack.timings["first status after up --wait"] == 200
    health = _inspect(stack.container("web"), "{{.State.Health.Status}}")
    assert health == "healthy"


def test_the_published_port_is_on_loopback_where_web_port_puts_it(stack: Stack) -> None:
    ports = stack.compose("port", "web", "8000").stdout.strip()

    assert ports == f"127.0.0.1:{stack.web_port}"


def test_the_readmes_in_container_test_command_passes(stack: Stack) -> None:
    readme = (stack.tree / "README.md").read_text()
    command = re.search(r"^docker compose (run --rm web python -m pytest tests)\b", readme, re.M)
    assert command is not None, "the README no longer gives the in-container test command"

    started = time.monotonic()
    result = stack.compose(*command.group(1).split(), "-q", "-p", "no:cacheprovider", timeout=1800)
    stack.timings["in-container make-test equivalent, s"] = round(time.monotonic() - started, 1)

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def test_a_code_edit_is_served_without_a_restart(stack: Stack) -> None:
    web = stack.container("web")
    started_at = _inspect(web, "{{.State.StartedAt}}")
    views = stack.tree / "apps" / "core" / "views.py"
    text = views.read_text()
    marker = 'return HttpResponse("ok", content_type="text/plain")'
    assert text.count(marker) == 1
    views.write_text(text.replace(marker, marker.replace('"ok"', '"ok, edited"')))

    deadline = time.monotonic() + 60
    while stack.get("/healthz") != (200, "ok, edited") and time.monotonic() < deadline:
        time.sleep(0.5)

    assert stack.get("/healthz") == (200, "ok, edited")
    assert stack.container("web") == web
    assert _inspect(web, "{{.State.StartedAt}}") == started_at


def test_the_scheduler_queues_the_nightly_job_and_the_worker_runs_it(stack: Stack) -> None:
    count = (
        "from django_tasks_db.models import DBTaskResult; print(DBTaskResult.objects.filter("
        "task_path='apps.core.tasks.expired_sessions_clear', status='SUCCESSFUL').count())"
    )
    deadline = time.monotonic() + 90
    while int(stack.shell(count).splitlines()[-1]) < 2 and time.monotonic() < deadline:
        time.sleep(SCHEDULE_SECONDS)

    assert int(stack.shell(count).splitlines()[-1]) >= 2


def test_createsuperuser_in_the_container_makes_an_admin(stack: Stack) -> None:
    result = stack.compose(
        "run",
        "--rm",
        "-T",
        "-e",
        f"DJANGO_SUPERUSER_PASSWORD={secrets.token_urlsafe(16)}",
        "web",
        "python",
        "manage.py",
        "createsuperuser",
        "--noinput",
        "--username",
        "admin",
        "--email",
        "admin@example.com",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    is_admin = (
        "from django.contrib.auth import get_user_model; "
        "print(get_user_model().objects.filter(username='admin', is_superuser=True).exists())"
    )
    assert stack.shell(is_admin).splitlines()[-1] == "True"


def test_files_the_containers_write_belong_to_the_folders_owner(stack: Stack) -> None:
    result = stack.compose("run", "--rm", "-T", "web", "touch", "/app/written-by-web")

    assert result.returncode == 0, result.stdout + result.stderr
    written = stack.tree / "written-by-web"
    assert written.stat().st_uid == stack.tree.stat().st_uid == os.getuid()


def test_watch_rebuilds_web_and_worker_after_a_dependency_change(stack: Stack) -> None:
    before = {service: stack.container(service) for service in ("web", "worker")}
    watch = subprocess.Popen(
        ["docker", "compose", "-p", stack.project, "watch", "--no-up"],
        cwd=stack.tree,
        env=stack.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        time.sleep(5)  # watch sets up its file watcher before it sees a change
        started = time.monotonic()
        pyproject = stack.tree / "pyproject.toml"
        # A new line each run, so the build cache cannot stand in for the rebuild.
        change = f"\n# a dependency change {secrets.token_hex(4)}\n"
        pyproject.write_text(pyproject.read_text() + change)
        deadline = started + 900
        after = dict(before)
        # A service between its old and its new container has none: wait for both new ones.
        while time.monotonic() < deadline and not all(
            after[s] and after[s] != before[s] for s in before
        ):
            time.sleep(2)
            after = {service: stack.container(service) for service in before}
        stack.timings["watch rebuild of web and worker, s"] = round(time.monotonic() - started, 1)
    finally:
        os.killpg(watch.pid, signal.SIGTERM)
        output, _ = watch.communicate(timeout=60)

    assert all(after[s] and after[s] != before[s] for s in before), output[-3000:]
    deadline = time.monotonic() + 120
    while stack.get("/healthz")[0] != 200 and time.monotonic() < deadline:
        time.sleep(1)
    assert stack.get("/healthz")[0] == 200


def test_down_v_removes_the_containers_and_the_database_volume(stack: Stack) -> None:
    result = stack.compose("down", "-v", timeout=300)
    volumes = subprocess.run(
        [
            "docker",
            "volume",
            "ls",
            "-q",
            "--filter",
            f"label=com.docker.compose.project={stack.project}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.returncode == 0, result.stderr
    assert stack.compose("ps", "-q").stdout.strip() == ""
    assert volumes.stdout.strip() == ""
