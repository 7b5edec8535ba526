"""
Measure Bastion's production stack beside a plain Django project and a bare WSGI callable.

All three run under gunicorn with gunicorn.conf.py (same workers, worker class and threads),
one at a time, each started fresh in every round. wrk loads one endpoint at a time after a
warm-up. The run ends with a table, the ratios the targets are set in, a JSON file and a chart.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import django
import gunicorn

from benchmarks import baseline, chart, load, stack
from benchmarks.stack import REPO, Database, Server

RESULTS = Path(__file__).with_name("results")

# A response that reaches the client without these did not go through the security stack.
SECURITY_HEADERS = ("Strict-Transport-Security", "X-Content-Type-Options")
PAGE_SECURITY_HEADERS = (*SECURITY_HEADERS, "Content-Security-Policy", "Permissions-Policy")


@dataclass(frozen=True)
class Endpoint:
    key: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    check: Callable[[stack.Response], str | None] = lambda response: None


@dataclass(frozen=True)
class Stack:
    key: str
    label: str
    app: str
    cwd: Path
    env: dict[str, str]
    endpoints: tuple[Endpoint, ...]


@dataclass
class StackRun:
    cold_start_seconds: float
    worker_memory_kib: list[dict[str, int]]
    loads: dict[str, load.LoadResult]


def _missing(headers: Sequence[str]) -> Callable[[stack.Response], str | None]:
    def check(response: stack.Response) -> str | None:
        missing = [name for name in headers if response.header(name) is None]
        return f"missing {', '.join(missing)}" if missing else None

    return check


def _body_is(
    expected: bytes, also: Callable[[stack.Response], str | None]
) -> Callable[[stack.Response], str | None]:
    def check(response: stack.Response) -> str | None:
        if response.body != expected:
            return f"body {response.body[:40]!r} is not {expected!r}"
        return also(response)

    return check


def _brotli(response: stack.Response) -> str | None:
    if response.header("Content-Encoding") != "br":
        return "the static file was not served brotli-compressed"
    return _missing(SECURITY_HEADERS)(response)


def stacks(bastion_env: dict[str, str], baseline_dir: Path, common: dict[str, str]) -> list[Stack]:
    static_css = stack.hashed_static_path("core/site.css")
    return [
        Stack(
            key="bastion",
            label="Bastion",
            app="config.wsgi",
            cwd=REPO,
            env={**bastion_env, **common},
            endpoints=(
                Endpoint("home", "/", check=_missing(PAGE_SECURITY_HEADERS)),
                Endpoint("api", "/api/messages/", check=_missing(PAGE_SECURITY_HEADERS)),
                Endpoint(
                    "healthz", "/healthz", check=_body_is(b"ok", _missing(PAGE_SECURITY_HEADERS))
                ),
                Endpoint("admin_login", "/admin/login/", check=_missing(PAGE_SECURITY_HEADERS)),
                Endpoint("static", static_css, {"Accept-Encoding": "br"}, check=_brotli),
            ),
        ),
        Stack(
            key="baseline",
            label="Django startproject",
            app="baseline.wsgi",
            cwd=baseline_dir,
            env=stack.base_env(**common),
            endpoints=(
                Endpoint("healthz", "/healthz", check=_body_is(b"ok", lambda response: None)),
                Endpoint("admin_login", "/admin/login/"),
            ),
        ),
        Stack(
            key="limit",
            label="bare WSGI",
            app="benchmarks.limit:application",
            cwd=REPO,
            env=stack.base_env(**common),
            endpoints=(
                Endpoint("healthz", "/healthz", check=_body_is(b"ok", lambda response: None)),
            ),
        ),
    ]


def seed(database: Database, messages: int = 50) -> None:
    """Enough guestbook entries that the API answers with a full page."""
    database.query(
        "INSERT INTO demo_message (name, body, created_at) "
        "SELECT 'Visitor ' || n, 'Message number ' || n, now() - n * interval '1 minute' "
        "FROM generate_series(1, %s) AS n",
        [messages],
    )


def measure(
    item: Stack, settings: load.Load, warmup: load.Load, workers: int, log: Path
) -> StackRun:
    with Server(item.app, item.env, log, cwd=item.cwd) as server:
        cold_start = server.wait_until_serving()
        server.wait_for_workers(workers)
        for endpoint in item.endpoints:
            response = stack.fetch(server.port, endpoint.path, headers=endpoint.headers)
            problem = f"status {response.status}" if response.status != 200 else None
            problem = problem or endpoint.check(response)
            if problem:
                raise RuntimeError(f"{item.label} {endpoint.path}: {problem}")
        loads = {}
        for endpoint in item.endpoints:
            load.run(server.port, endpoint.path, warmup, endpoint.headers)
            loads[endpoint.key] = load.run(server.port, endpoint.path, settings, endpoint.headers)
            print(
                f"  {item.label:<20} {endpoint.path:<40} "
                f"{loads[endpoint.key].requests_per_second:8.0f} req/s",
                flush=True,
            )
        memory = [stack.memory_kib(pid) for pid in server.worker_pids()]
    return StackRun(cold_start, memory, loads)


def _median_run(results: list[load.LoadResult]) -> load.LoadResult:
    ordered = sorted(results, key=lambda result: result.requests_per_second)
    return ordered[(len(ordered) - 1) // 2]


def summarise(items: list[Stack], runs: dict[str, list[StackRun]]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for item in items:
        item_runs = runs[item.key]
        endpoints = {}
        for endpoint in item.endpoints:
            results = [run.loads[endpoint.key] for run in item_runs]
            chosen = _median_run(results)
            endpoints[endpoint.key] = {
                "path": endpoint.path,
                "requests_per_second": chosen.requests_per_second,
                "p50_ms": chosen.p50_ms,
                "p99_ms": chosen.p99_ms,
                "errors": sum(result.errors for result in results),
                "runs": [asdict(result) for result in results],
            }
        per_worker = [
            {
                kind: statistics.fmean(worker[kind] for worker in run.worker_memory_kib)
                for kind in ("rss", "pss")
            }
            for run in item_runs
        ]
        summary[item.key] = {
            "label": item.label,
            "cold_start_seconds": statistics.median(run.cold_start_seconds for run in item_runs),
            "cold_start_runs": [run.cold_start_seconds for run in item_runs],
            "memory_per_worker_kib": {
                kind: statistics.median(memory[kind] for memory in per_worker)
                for kind in ("rss", "pss")
            },
            "endpoints": endpoints,
        }
    return summary


def targets(summary: dict[str, Any]) -> list[dict[str, Any]]:
    bastion, base, limit = summary["bastion"], summary["baseline"], summary["limit"]

    def rps(entry: dict[str, Any], key: str) -> float:
        value: float = entry["endpoints"][key]["requests_per_second"]
        return value

    errors = sum(
        endpoint["errors"] for entry in summary.values() for endpoint in entry["endpoints"].values()
    )
    checks = [
        (
            "/healthz req/s, Bastion / baseline",
            rps(bastion, "healthz") / rps(base, "healthz"),
            ">=",
            0.85,
        ),
        (
            "admin login req/s, Bastion / baseline",
            rps(bastion, "admin_login") / rps(base, "admin_login"),
            ">=",
            1.0,
        ),
        ("errors, all stacks and endpoints", errors, "==", 0),
        (
            "cold start, Bastion / baseline",
            bastion["cold_start_seconds"] / base["cold_start_seconds"],
            "<=",
            1.5,
        ),
        (
            "memory per worker (Rss), Bastion / baseline",
            bastion["memory_per_worker_kib"]["rss"] / base["memory_per_worker_kib"]["rss"],
            "<=",
            1.2,
        ),
    ]
    compare = {">=": float.__ge__, "<=": float.__le__, "==": float.__eq__}
    result = [
        {
            "name": name,
            "value": value,
            "target": f"{op} {limit_value}",
            "met": compare[op](float(value), float(limit_value)),
        }
        for name, value, op, limit_value in checks
    ]
    result.append(
        {
            "name": "/healthz req/s, Bastion / bare WSGI",
            "value": rps(bastion, "healthz") / rps(limit, "healthz"),
            "target": None,
            "met": None,
        }
    )
    return result


def print_report(report: dict[str, Any]) -> None:
    print()
    print(f"{'stack':<20} {'endpoint':<42} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for entry in report["stacks"].values():
        for endpoint in entry["endpoints"].values():
            print(
                f"{entry['label']:<20} {endpoint['path']:<42} "
                f"{endpoint['requests_per_second']:8.0f} {endpoint['p50_ms']:8.2f} "
                f"{endpoint['p99_ms']:8.2f} {endpoint['errors']:7d}"
            )
    print()
    for entry in report["stacks"].values():
        memory = entry["memory_per_worker_kib"]
        print(
            f"{entry['label']:<20} cold start {entry['cold_start_seconds']:.2f} s, "
            f"per worker Rss {memory['rss'] / 1024:.1f} MiB, Pss {memory['pss'] / 1024:.1f} MiB"
        )
    print(
        f"release step (check --deploy, migrate on an empty database): "
        f"{report['release_seconds']:.1f} s"
    )
    print()
    for target in report["targets"]:
        verdict = "" if target["met"] is None else ("met" if target["met"] else "MISSED")
        wanted = f"target {target['target']}" if target["target"] else ""
        print(f"{target['name']:<46} {target['value']:7.2f}  {wanted:<14} {verdict}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="measured load per endpoint")
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured load before each")
    parser.add_argument("--connections", type=int, default=16, help="wrk's open connections")
    parser.add_argument("--rounds", type=int, default=3, help="each stack is measured this often")
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY for every stack")
    parser.add_argument("--threads", type=int, default=4, help="GUNICORN_THREADS for every stack")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where results are written")
    args = parser.parse_args(argv)

    load.wrk_path()
    measured = load.Load(seconds=args.seconds, connections=args.connections)
    warmup = load.Load(seconds=args.warmup, connections=args.connections)
    common = {"WEB_CONCURRENCY": str(args.workers), "GUNICORN_THREADS": str(args.threads)}
    args.output.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    started = datetime.datetime.now(datetime.UTC)

    with (
        tempfile.TemporaryDirectory(prefix="bastion-bench-") as temp,
        stack.fresh_database("bench") as database,
    ):
        print("collecting static files, running the release step", flush=True)
        collectstatic_seconds = stack.collectstatic()
        release_seconds = stack.release(database.url)
        seed(database)
        baseline_dir = Path(temp) / "baseline"
        baseline_dir.mkdir()
        baseline.create(baseline_dir)
        items = stacks(stack.production_env(database.url), baseline_dir, common)
        runs: dict[str, list[StackRun]] = {item.key: [] for item in items}
        for number in range(1, args.rounds + 1):
            print(f"round {number} of {args.rounds}", flush=True)
            for item in items:
                log = Path(temp) / f"{item.key}.log"
                runs[item.key].append(measure(item, measured, warmup, args.workers, log))

    summary = summarise(items, runs)
    report: dict[str, Any] = {
        "started": started.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "gunicorn": gunicorn.__version__,
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        },
        "settings": {
            "workers": args.workers,
            "threads": args.threads,
            "worker_class": "gthread (gunicorn.conf.py)",
            "connections": args.connections,
            "wrk_threads": measured.threads,
            "seconds": args.seconds,
            "warmup_seconds": args.warmup,
            "rounds": args.rounds,
            "memory": "Rss and Pss from /proc/<pid>/smaps_rollup, mean of the workers",
        },
        "collectstatic_seconds": collectstatic_seconds,
        "release_seconds": release_seconds,
        "stacks": summary,
        "targets": targets(summary),
    }
    print_report(report)
    (args.output / "bench.json").write_text(json.dumps(report, indent=2) + "\n")
    chart.draw(report, args.output / "performance.png")
    print(f"\nwrote {args.output / 'bench.json'} and {args.output / 'performance.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
