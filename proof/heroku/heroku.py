"""
Heroku, emulated locally for the deploy tests.

Each helper does one thing the platform does, the way it does it: the
config vars app.json sets, the Python buildpack's install and collectstatic,
the release phase, a web dyno (the Procfile's command under honcho, on
$PORT) and SIGTERM when the dyno stops. Servers listen on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import psycopg
import pytest

from proof import harness
from proof.harness import unavailable
from proof.harness.processes import group_pids

# app.json is read as the project's own tests read it; the emulation hands it on.
from tests.support.heroku import APP_HOST as APP_HOST  # noqa: PLC0414
from tests.support.heroku import app_json as app_json  # noqa: PLC0414
from tests.support.heroku import config_vars as config_vars  # noqa: PLC0414

REPO = Path(__file__).resolve().parents[2]

# Heroku stops a dyno with SIGTERM and sends SIGKILL this much later; a web
# dyno that has not bound $PORT this long after boot fails with R10.
SIGKILL_AFTER_SECONDS = 30
BOOT_TIMEOUT_SECONDS = 60

POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def require(available: bool, what: str) -> None:
    """Skip without the tool, except in CI, where a missing tool is a failure."""
    if available:
        return
    unavailable(f"{what} is needed to emulate Heroku")


def procfile(slug: Path) -> dict[str, str]:
    """Process type to command, as Heroku reads the Procfile."""
    processes = {}
    for line in (slug / "Procfile").read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_-]+):\s*(.+)$", line)
        if match:
            processes[match.group(1)] = match.group(2).strip()
    return processes


def dyno_environment(slug: Path, config: dict[str, str]) -> dict[str, str]:
    """What a process on a dyno sees: the slug's Python first on PATH, then the config vars.

    Nothing of this test run's own environment leaks in (no ENV_FILE, no test
    SECRET_KEY, no DATABASE_URL), and the slug has no .env to read.
    """
    return {
        "PATH": f"{slug / '.venv' / 'bin'}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
        "HOME": str(slug),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        **config,
    }


def checkout(destination: Path) -> Path:
    """The committed tree only, as `git push heroku` sends it: untracked files cannot help."""
    archive = destination.with_suffix(".tar")
    subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", f"--output={archive}", "HEAD"],
        check=True,
    )
    destination.mkdir()
    subprocess.run(["tar", "-xf", str(archive), "-C", str(destination)], check=True)
    archive.unlink()
    return destination


def project_uv() -> Path:
    """The uv the Makefile pins (see harness.UV)."""
    return harness.UV


def uv_version() -> str:
    output = subprocess.run(
        [str(project_uv()), "--version"], capture_output=True, text=True, check=True
    ).stdout
    return output.split()[1]


def pinned_uv_version() -> str:
    match = re.search(r"^UV_VERSION\s*:=\s*(\S+)", (REPO / "Makefile").read_text(), re.MULTILINE)
    if match is None:
        pytest.fail("the Makefile pins no uv version")
    return match.group(1)


def install(slug: Path, *, test_groups: bool = False) -> subprocess.CompletedProcess[str]:
    """Install from the lock as the Python buildpack does, into a fresh environment.

    A release build installs the runtime dependencies only; Heroku CI's test build adds
    the default groups (`test_groups`). The interpreter is this one: nothing is downloaded.
    """
    env = {
        "PATH": os.environ["PATH"],
        # The user's uv cache holds the wheels `make install` fetched.
        "HOME": os.environ.get("HOME", str(slug)),
        "UV_PROJECT_ENVIRONMENT": str(slug / ".venv"),
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_MANAGED_PYTHON": "1",
    }
    if "UV_CACHE_DIR" in os.environ:
        env["UV_CACHE_DIR"] = os.environ["UV_CACHE_DIR"]
    command = [str(project_uv()), "sync", "--locked", "--compile-bytecode"]
    if not test_groups:
        command.append("--no-default-groups")
    return subprocess.run(
        [*command, "--no-progress", "--python", sys.executable],
        cwd=slug,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def slug_python(slug: Path, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(slug / ".venv" / "bin" / "python"), "-c", code],
        cwd=slug,
        env=dyno_environment(slug, {}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def collectstatic(
    slug: Path, config: dict[str, str], app: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The buildpack's collectstatic step: config vars exported, no database attached.

    `app` runs the same build on another copy of the source with this slug's
    installed packages.
    """
    return subprocess.run(
        [str(slug / ".venv" / "bin" / "python"), "manage.py", "collectstatic", "--noinput"],
        cwd=app or slug,
        env=dyno_environment(slug, config),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def release(slug: Path, config: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The release phase: the Procfile's release command in a one-off dyno."""
    return subprocess.run(
        ["bash", "-c", procfile(slug)["release"]],
        cwd=slug,
        env={**dyno_environment(slug, config), "DYNO": "release.1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=300,
        check=False,
    )


@dataclass
class Deploy:
    release: subprocess.CompletedProcess[str]
    web: WebDyno | None


def deploy(slug: Path, config: dict[str, str], *, port: int, log: Path) -> Deploy:
    """Release, then start web only if the release succeeded, as Heroku does."""
    released = release(slug, config)
    if released.returncode != 0:
        return Deploy(released, None)
    return Deploy(released, WebDyno(slug, config, port=port, log=log))


class WebDyno:
    """The Procfile's web process type under honcho, bound to 127.0.0.1:$PORT.

    honcho runs the command with /bin/sh in a process group of its own. Like
    Heroku, stopping sends SIGTERM to each process of the app (the shell
    wrapper aside, so it reports gunicorn's exit status) and SIGKILL to
    whatever is left 30 s later.
    """

    def __init__(self, slug: Path, config: dict[str, str], *, port: int, log: Path) -> None:
        self.port = port
        self.log_path = log
        env = {
            **dyno_environment(slug, config),
            "DYNO": "web.1",
            # The buildpack sets this at boot on a Basic dyno when it is unset.
            "WEB_CONCURRENCY": config.get("WEB_CONCURRENCY", "2"),
            # Keep the emulated dyno on loopback; honcho sets $PORT.
            "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port}",
        }
        self.started = time.monotonic()
        self.boot_seconds: float | None = None
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "honcho",
                    "--no-colour",
                    "start",
                    "--port",
                    str(port),
                    "web",
                ],
                cwd=slug,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_until_serving(self) -> float:
        """Seconds from start to the first answer on /healthz; fails past Heroku's boot timeout."""
        deadline = self.started + BOOT_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the web dyno exited with {self.process.returncode}:\n{self.log}")
            try:
                if request(self.port, "GET", "/healthz").status == 200:
                    self.boot_seconds = time.monotonic() - self.started
                    return self.boot_seconds
            except OSError:
                pass
            time.sleep(0.05)
        pytest.fail(
            f"the web dyno did not answer within {BOOT_TIMEOUT_SECONDS} s (R10):\n{self.log}"
        )

    def _group(self) -> int | None:
        match = re.search(r"web\.1 started \(pid=(\d+)\)", self.log)
        return int(match.group(1)) if match else None

    def app_processes(self) -> list[int]:
        group = self._group()
        if group is None:
            return []
        return [pid for pid in group_pids(group) if pid != group]

    def sigterm(self) -> float:
        """Send SIGTERM to every app process; return the moment it was sent."""
        sent = time.monotonic()
        for pid in self.app_processes():
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        return sent

    def wait(self, timeout: float) -> int | None:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> float:
        """Stop as Heroku does; return the seconds from SIGTERM to exit."""
        sent = self.sigterm()
        if self.wait(SIGKILL_AFTER_SECONDS) is None:
            self.kill()
        return time.monotonic() - sent

    def kill(self) -> None:
        group = self._group()
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        if group is not None and group_pids(group):
            os.killpg(group, signal.SIGKILL)


def request(
    port: int,
    method: str,
    path: str,
    *,
    host: str = APP_HOST,
    proto: str = "https",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> harness.Response:
    """One request as Heroku's router forwards it: Host kept, X-Forwarded-Proto set."""
    return harness.fetch(
        port,
        path,
        method=method,
        headers={"Host": host, "X-Forwarded-Proto": proto, **(headers or {})},
        body=body,
    )


class Postgres:
    """The PostgreSQL server the tests create their own databases on."""

    def __init__(self, admin_url: str = POSTGRES_ADMIN_URL) -> None:
        self.admin_url = admin_url

    def reachable(self) -> bool:
        try:
            with psycopg.connect(self.admin_url, connect_timeout=3):
                return True
        except psycopg.OperationalError:
            return False

    def url(self, name: str) -> str:
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"

    @contextmanager
    def fresh_database(self) -> Iterator[str]:
        """A new, uniquely named database, dropped afterwards; yields its URL."""
        with harness.fresh_database("heroku") as database:
            yield self.url(database.name)

    @staticmethod
    def tables(url: str) -> set[str]:
        with psycopg.connect(url) as connection:
            rows = connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            ).fetchall()
        return {row[0] for row in rows}


class TlsRefusingPostgres:
    """A loopback listener speaking just enough of PostgreSQL's protocol to refuse TLS.

    It answers "no" to a client's TLS (and GSS) request and records what each
    client sends first, so a test sees whether a client would go on without
    TLS and send its startup message, user name included, in cleartext.
    """

    SSL_REQUEST = 80877103
    GSSENC_REQUEST = 80877104

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port: int = self._server.getsockname()[1]
        self.connections = 0
        self.messages: list[str] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"postgres://app:secret@127.0.0.1:{self.port}/app"

    def __enter__(self) -> TlsRefusingPostgres:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._server.close()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            with connection:
                connection.settimeout(5)
                self._answer(connection)

    def _answer(self, connection: socket.socket) -> None:
        while True:
            header = b""
            while len(header) < 8:
                try:
                    chunk = connection.recv(8 - len(header))
                except OSError:
                    return
                if not chunk:
                    return
                header += chunk
            _length, code = struct.unpack("!II", header)
            if code == self.SSL_REQUEST:
                self.messages.append("tls-request")
            elif code == self.GSSENC_REQUEST:
                self.messages.append("gss-request")
            else:
                self.messages.append("cleartext-startup")
                return
            connection.sendall(b"N")
