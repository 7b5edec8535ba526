"""Processes: the one reader of /proc, waiting for a condition, and the one gunicorn runner.

Every server listens on 127.0.0.1 only, on a port picked at run time, and is stopped by
its PID.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

from proof.harness.clients import fetch
from proof.harness.ports import free_port
from proof.harness.project import BIN, GUNICORN_CONF, REPO


def _stat_fields(pid: int) -> list[str]:
    """/proc/<pid>/stat from the state field on (field 3 of proc(5) is item 0 here)."""
    # The command name in parentheses may hold spaces; the fields after it do not.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _processes() -> Iterator[tuple[int, list[str]]]:
    """Every process with its stat fields; one that ends while we look is left out."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat_fields(int(entry.name))
        except OSError:  # the process ended while we looked
            continue
        yield int(entry.name), fields


def child_pids(parent: int) -> list[int]:
    """The processes whose parent is `parent` (gunicorn's workers, for its master)."""
    return sorted(pid for pid, fields in _processes() if int(fields[1]) == parent)


def group_pids(pgid: int) -> list[int]:
    """Live processes of a process group (zombies excluded)."""
    return [pid for pid, fields in _processes() if int(fields[2]) == pgid and fields[0] != "Z"]


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


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.02)


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
        """`config=None` runs gunicorn with its defaults; `args` override the config file.

        With the shipped gunicorn.conf.py it starts as the Procfile and the image start it,
        through config/serve.py (so `cwd` is this repository).
        """
        self.port = free_port()
        self.log_path = log_path
        # GUNICORN_CMD_ARGS overrides the config file's bind, so nothing listens beyond loopback.
        cmd_args = " ".join([f"--bind 127.0.0.1:{self.port}", *args])
        full_env = {**env, "GUNICORN_CMD_ARGS": cmd_args}
        config_args = ["--config", str(config)] if config else []
        if config == GUNICORN_CONF:
            command = [str(BIN / "python"), "-m", "config.serve", *config_args, app]
        else:
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
