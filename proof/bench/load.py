"""A bounded load from wrk: fixed duration, fixed connections, loopback only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from proof.harness import HTTPS_HEADERS, cpu_seconds

REPORT_SCRIPT = Path(__file__).with_name("report.lua")


@dataclass(frozen=True)
class Load:
    seconds: int
    connections: int
    threads: int = 1


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    # Responses with a status of 400 or more, and connect/read/write/timeout failures.
    status_errors: int
    socket_errors: int
    # CPU time each of the server's processes used meanwhile (the master first): a busy
    # machine slows the clock-time rate, but much less what each request costs the server.
    cpu_seconds_by_process: list[float]

    @property
    def server_cpu_seconds(self) -> float:
        return sum(self.cpu_seconds_by_process)

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def requests_per_cpu_second(self) -> float:
        return self.requests / self.server_cpu_seconds

    @property
    def busiest_worker_share(self) -> float:
        """The part of the workers' CPU time the busiest one used: 0.5 is an even split of two."""
        workers = self.cpu_seconds_by_process[1:]
        return max(workers) / sum(workers)

    @property
    def errors(self) -> int:
        return self.status_errors + self.socket_errors


def wrk_path() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is missing: install it with `apt-get install -y wrk`.")
    return path


def run(
    port: int,
    path: str,
    load: Load,
    server_pids: list[int],
    headers: Mapping[str, str] | None = None,
    *,
    cpus: Collection[int] | None = None,
) -> LoadResult:
    """Send requests to 127.0.0.1:<port><path> for `load.seconds` and summarise them.

    `cpus`: the CPUs wrk may run on (None: any), to keep it off the server's.
    """
    header_args = [
        argument
        for name, value in {**HTTPS_HEADERS, **(headers or {})}.items()
        for argument in ("--header", f"{name}: {value}")
    ]
    command = [
        wrk_path(),
        f"--threads={load.threads}",
        f"--connections={load.connections}",
        f"--duration={load.seconds}s",
        "--timeout=5s",
        f"--script={REPORT_SCRIPT}",
        *header_args,
        f"http://127.0.0.1:{port}{path}",
    ]
    cpu_before = [cpu_seconds([pid]) for pid in server_pids]
    output = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=load.seconds + 30,
        check=True,
        preexec_fn=None if cpus is None else lambda: os.sched_setaffinity(0, cpus),
    ).stdout
    cpu_used = [
        cpu_seconds([pid]) - before for pid, before in zip(server_pids, cpu_before, strict=True)
    ]
    summary = json.loads(next(line for line in output.splitlines() if line.startswith("{")))
    errors = summary["errors"]
    latency = summary["latency_us"]
    return LoadResult(
        requests=summary["requests"],
        seconds=summary["duration_us"] / 1e6,
        p50_ms=latency["p50"] / 1000,
        p99_ms=latency["p99"] / 1000,
        status_errors=errors["status"],
        socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        cpu_seconds_by_process=cpu_used,
    )
