"""
The proof's one harness: the production stack, throwaway databases and plain HTTP.

gunicorn with gunicorn.conf.py, USE_SSL on, a fresh PostgreSQL database migrated by the
release step, and collected static files: what a dyno or a container runs. Every part of
proof/ finds ports, starts servers and makes databases through this module. Every server
listens on 127.0.0.1 only, on a port picked at run time, and is stopped by its PID.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn, Self
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql

REPO = Path(__file__).resolve().parent.parent
GUNICORN_CONF = REPO / "gunicorn.conf.py"
# Tools come from the environment that runs this module: the project's .venv.
BIN = Path(sys.executable).parent
# The uv the Makefile pins. `make prove` names it, wherever its TOOLS put it; a bare
# pytest run finds it where `make install` puts it by default.
UV = Path(os.environ.get("PROOF_UV") or REPO / ".tools" / "bin" / "uv")

# Every request names this host, as a browser would the site's domain; the app lists it
# in ALLOWED_HOSTS. Connections still go to 127.0.0.1.
HOST = "localhost"
ORIGIN = f"https://{HOST}"
# The proxy header that a TLS-terminating router (Heroku's, a load balancer) adds.
HTTPS_HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https"}

# The PostgreSQL server's maintenance database, where databases are created and dropped.
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")

# The project's settings with the proof-only site added (proof/site): the proof's servers
# serve the project's own URLs and the pages the proofs need, never the demo's.
SITE_SETTINGS = "proof.site.settings"

# Only what a process needs to run is inherited; the rest of the caller's environment
# (a DATABASE_URL, a DJANGO_SETTINGS_MODULE set by pytest) must not leak into a server.
INHERITED = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def port_is_open(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:<port>."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def unavailable(message: str) -> NoReturn:
    """A missing tool skips the proof on a workstation; in CI (CI=true) it is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def base_env(**values: str) -> dict[str, str]:
    """A clean environment for a child process, with the given variables."""
    inherited = {name: os.environ[name] for name in INHERITED if name in os.environ}
    return {**inherited, "PYTHONUNBUFFERED": "1", **values}


def production_env(database_url: str, **values: str) -> dict[str, str]:
    """What a production dyno is given: a strong key, DEBUG off, HTTPS behind a proxy.

    With the proof site's settings unless `values` names another DJANGO_SETTINGS_MODULE.
    """
    production = {
        "DJANGO_SETTINGS_MODULE": SITE_SETTINGS,
        # A .env in the working tree must not change what is measured or tested.
        "ENV_FILE": "",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": HOST,
        "USE_SSL": "true",
        # Production asks staff for a second factor (deploy check bastion.W181).
        "ADMIN_2FA": "true",
        "DATABASE_URL": database_url,
    }
    return base_env(**{**production, **values})


def postgres_address() -> tuple[str, int]:
    """Where the PostgreSQL server listens, as POSTGRES_URL says."""
    parts = urlsplit(POSTGRES_URL)
    return parts.hostname or "127.0.0.1", parts.port or 5432


def with_port(url: str, port: int) -> str:
    """The same database URL, reached through another port on 127.0.0.1."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    return parts._replace(
        netloc=f"{credentials}@127.0.0.1:{port}" if credentials else f"127.0.0.1:{port}"
    ).geturl()


@dataclass(frozen=True)
class Database:
    """A PostgreSQL database that exists for one run."""

    name: str
    url: str

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url, autocommit=True) as connection:
            cursor = connection.execute(statement.encode(), params)  # our own literal SQL
            return cursor.fetchall() if cursor.description else []

    def scalar(self, statement: str, params: Sequence[Any] = ()) -> Any:
        return self.query(statement, params)[0][0]


@contextlib.contextmanager
def fresh_database(purpose: str, *, template: str | None = None) -> Iterator[Database]:
    """Create a uniquely named database (empty, or a copy of `template`) and drop it afterwards."""
    name = f"bastion_{purpose}_{secrets.token_hex(4)}"
    url = urlsplit(POSTGRES_URL)._replace(path=f"/{name}").geturl()
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(create)
    try:
        yield Database(name=name, url=url)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            # FORCE ends the connections a stopped server may have left behind.
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def run_checked(command: Sequence[str], env: Mapping[str, str], *, timeout: float) -> float:
    """Run a command in the project directory; return its duration, or fail with its output."""
    started = time.monotonic()
    result = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited with {result.returncode}:\n{result.stdout}{result.stderr}"
        )
    return time.monotonic() - started


def release(database_url: str) -> float:
    """Run the release step (deploy checks, then migrations, the proof site's too); return
    how long it took."""
    env = production_env(database_url, PYTHON=sys.executable)
    return run_checked([str(REPO / "heroku-release.sh")], env, timeout=300)


def collectstatic() -> float:
    """Collect static files as the build does (no secrets, no database); return the duration."""
    env = base_env(ENV_FILE="", DEBUG="false", DJANGO_SETTINGS_MODULE=SITE_SETTINGS)
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"]
    return run_checked(command, env, timeout=300)


def hashed_static_path(name: str) -> str:
    """The URL path of a collected static file under its content-hashed name."""
    manifest = json.loads((REPO / "staticfiles" / "staticfiles.json").read_text())
    return f"/static/{manifest['paths'][name]}"


@dataclass(frozen=True)
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def headers_named(self, name: str) -> list[str]:
        return self.headers.get_all(name) or []

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def fetch(
    port: int,
    path: str,
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 10.0,
) -> Response:
    """One request over a new connection, as the router forwards an HTTPS request."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={**HTTPS_HEADERS, **(headers or {})})
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


def _stat_fields(pid: int) -> list[str]:
    """/proc/<pid>/stat from the state field on (field 3 of proc(5) is item 0 here)."""
    # The command name in parentheses may hold spaces; the fields after it do not.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def child_pids(parent: int) -> list[int]:
    """The processes whose parent is `parent` (gunicorn's workers, for its master)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int(_stat_fields(int(entry.name))[1])
        except OSError:  # the process ended while we looked
            continue
        if ppid == parent:
            children.append(int(entry.name))
    return sorted(children)


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user and system) the processes have used so far."""
    ticks = 0
    for pid in pids:
        fields = _stat_fields(pid)
        ticks += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15
    return ticks / os.sysconf("SC_CLK_TCK")


def memory_kib(pid: int) -> dict[str, int]:
    """A process's memory in KiB: resident (rss), its share of what it shares with others
    (pss), and what is its alone (private, what one more worker would add)."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if rest.strip().endswith("kB"):
            fields[key] = int(rest.split()[0])
    return {
        "rss": fields["Rss"],
        "pss": fields["Pss"],
        "private": fields["Private_Clean"] + fields["Private_Dirty"],
    }


class Server:
    """A gunicorn master started with gunicorn.conf.py and bound to 127.0.0.1:<port>."""

    def __init__(
        self,
        app: str,
        env: Mapping[str, str],
        log_path: Path,
        *,
        cwd: Path = REPO,
        config: Path | None = GUNICORN_CONF,
        args: Sequence[str] = (),
    ) -> None:
        """`config=None` runs gunicorn with its defaults; `args` override the config file."""
        self.port = free_port()
        self.log_path = log_path
        # GUNICORN_CMD_ARGS overrides the config file's bind, so nothing listens beyond loopback.
        cmd_args = " ".join([f"--bind 127.0.0.1:{self.port}", *args])
        full_env = {**env, "GUNICORN_CMD_ARGS": cmd_args}
        config_args = ["--config", str(config)] if config else []
        command = [str(BIN / "gunicorn"), *config_args, app]
        with log_path.open("ab") as log:
            self.started = time.monotonic()
            self.process = subprocess.Popen(
                command, cwd=cwd, env=full_env, stdout=log, stderr=subprocess.STDOUT
            )
        self.pid = self.process.pid
        # Workers inherit the environment: this entry tells this server's processes from
        # any other gunicorn's, and from an unrelated process that reuses a pid later.
        self._marker = f"GUNICORN_CMD_ARGS={full_env['GUNICORN_CMD_ARGS']}".encode()
        self._workers_seen: set[int] = set()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def wait_until_serving(self, path: str = "/healthz", timeout: float = 30.0) -> float:
        """Poll until `path` answers 200; return the seconds since the process was spawned."""
        deadline = self.started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the server exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                if fetch(self.port, path, timeout=2).status == 200:
                    return time.monotonic() - self.started
            except OSError:
                pass
            time.sleep(0.01)
        raise RuntimeError(f"no 200 from {path} within {timeout} s:\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        workers = child_pids(self.pid)
        self._workers_seen.update(workers)
        return workers

    def wait_for_workers(self, count: int, timeout: float = 15.0) -> list[int]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            workers = self.worker_pids()
            if len(workers) == count:
                return workers
            time.sleep(0.05)
        raise RuntimeError(f"expected {count} workers, found {self.worker_pids()}")

    def terminate(self) -> None:
        """SIGTERM: gunicorn's graceful shutdown."""
        self.worker_pids()
        self.process.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = 30.0) -> None:
        """Stop gracefully, then by force; no worker outlives its master."""
        if self.process.poll() is None:
            self.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for pid in self._workers_seen:
            if self._is_ours(pid):
                os.kill(pid, signal.SIGKILL)

    def _is_ours(self, pid: int) -> bool:
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:  # gone, or not ours to read
            return False
        return self._marker in environ.split(b"\0")
