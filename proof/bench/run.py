"""
Measure Bastion's production stack beside a plain Django project and a bare WSGI callable.

Bastion and the bare callable run under gunicorn with the shipped gunicorn.conf.py; the plain
`startproject` runs under gunicorn's defaults (sync workers, no config file), on the same
PostgreSQL database. Both Django projects serve the same planted pages (proof/bench/page.py):
a form with a CSRF token and a 100-row table, and a page that waits on PostgreSQL. All get
the same number of workers and run one at a time, each started fresh in every round, the
stacks taking turns within a round. wrk loads one endpoint at a time after a warm-up. The
run ends with a table, the ratios the targets are set in, a JSON file and a chart.

Other processes on the machine only ever slow a measurement down, so each figure is the
best of the rounds (as timeit takes the minimum); the JSON keeps every round. Beside wrk's
view, the CPU time per request of Django's side alone (in-process, no server) is measured
for Bastion and the baseline: the steadiest comparison on a busy machine.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import runpy
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import django
import gunicorn

from proof import harness as stack
from proof.bench import baseline, chart, inprocess, load, page
from proof.harness import GUNICORN_CONF, REPO, Response, Server

RESULTS = Path(__file__).with_name("results")
PAGE = "/bench/page/"
# wrk's connections on the two pages: a few per worker, as a router spreads them.
PAGE_CONNECTIONS = 16
DATABASE_PAGE = "/bench/database/"

Check = Callable[[Response], str | None]

# The endpoints both Django projects serve; the first two are also compared in-process.
SHARED = ("page", "healthz", "database")
IN_PROCESS = ("page", "healthz")
# A round where one worker did more than this share of the work measured how wrk's
# connections happened to spread, not the stack: the other worker sat idle.
BALANCED_SHARE = 0.6

# A response without these did not go through the security stack.
SECURITY_HEADERS = ("Strict-Transport-Security", "X-Content-Type-Options")
PAGE_SECURITY_HEADERS = (*SECURITY_HEADERS, "Content-Security-Policy", "Permissions-Policy")


def has_headers(*names: str) -> Check:
    def check(response: Response) -> str | None:
        missing = [name for name in names if response.header(name) is None]
        return f"missing {', '.join(missing)}" if missing else None

    return check


def says_ok(also: Check = lambda response: None) -> Check:
    def check(response: Response) -> str | None:
        return (
            f"body {response.body[:40]!r} is not b'ok'"
            if response.body != b"ok"
            else also(response)
        )

    return check


def planted_page(response: Response) -> str | None:
    """The form with its CSRF token and the table's 100 rows were rendered."""
    if b'name="csrfmiddlewaretoken"' not in response.body:
        return "the page has no CSRF token"
    if response.body.count(b"<tr class=") != page.ROWS:
        return f"the page does not have {page.ROWS} rows"
    return None


def waited(response: Response) -> str | None:
    return None if response.body == b"waited" else f"body {response.body[:40]!r}"


def both(*checks: Check) -> Check:
    def check(response: Response) -> str | None:
        return next((problem for c in checks if (problem := c(response))), None)

    return check


@dataclass(frozen=True)
class Endpoint:
    key: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    # None: the run's --connections. A page of milliseconds under 64 connections on two
    # workers measures its queue, not the page.
    connections: int | None = None
    # What the response must show before it is measured: 200 and this check passing.
    check: Check = lambda response: None


@dataclass(frozen=True)
class Stack:
    key: str
    label: str
    app: str
    cwd: Path
    env: dict[str, str]
    endpoints: tuple[Endpoint, ...]
    # None: gunicorn's own defaults.
    config: Path | None = GUNICORN_CONF

    def path(self, key: str) -> str:
        return next(endpoint.path for endpoint in self.endpoints if endpoint.key == key)


@dataclass
class Round:
    # Each of the server's processes: the master first, then the workers.
    memory_kib: list[dict[str, int]]
    loads: dict[str, load.LoadResult]


def stacks(database_url: str, baseline_dir: Path, common: dict[str, str]) -> list[Stack]:
    secured = has_headers(*PAGE_SECURITY_HEADERS)
    return [
        Stack(
            key="bastion",
            label="Bastion",
            app="config.wsgi",
            cwd=REPO,
            # The project's settings and URLs with the benchmark's planted pages.
            env=stack.production_env(
                database_url, DJANGO_SETTINGS_MODULE="proof.bench.settings", **common
            ),
            endpoints=(
                Endpoint(
                    "page", PAGE, check=both(secured, planted_page), connections=PAGE_CONNECTIONS
                ),
                Endpoint("healthz", "/healthz", check=says_ok(secured)),
                Endpoint(
                    "database",
                    DATABASE_PAGE,
                    check=both(secured, waited),
                    connections=PAGE_CONNECTIONS,
                ),
            ),
        ),
        Stack(
            key="baseline",
            label="Django startproject",
            app="baseline.wsgi",
            cwd=baseline_dir,
            env=stack.base_env(DJANGO_SETTINGS_MODULE="baseline.settings", **common),
            endpoints=(
                Endpoint("page", PAGE, check=planted_page, connections=PAGE_CONNECTIONS),
                Endpoint("healthz", "/healthz", check=says_ok()),
                Endpoint("database", DATABASE_PAGE, check=waited, connections=PAGE_CONNECTIONS),
            ),
            config=None,
        ),
        Stack(
            key="limit",
            label="bare WSGI",
            app="proof.bench.limit:application",
            cwd=REPO,
            env=stack.base_env(**common),
            endpoints=(Endpoint("healthz", "/healthz", check=says_ok()),),
        ),
    ]


def cold_start(item: Stack, log: Path) -> float:
    """Seconds from spawning gunicorn to the first 200 from /healthz."""
    with Server(item.app, item.env, log, cwd=item.cwd, config=item.config) as server:
        return server.wait_until_serving()


def measure(item: Stack, measured: load.Load, warmup: load.Load, workers: int, log: Path) -> Round:
    with Server(item.app, item.env, log, cwd=item.cwd, config=item.config) as server:
        server.wait_until_serving()
        pids = [server.pid, *server.wait_for_workers(workers)]
        # The endpoints both projects serve come first, and memory is read after them:
        # the projects are compared after the same work, before Bastion's other pages
        # have been used.
        ordered = sorted(item.endpoints, key=lambda endpoint: endpoint.key not in SHARED)
        loads: dict[str, load.LoadResult] = {}
        memory: list[dict[str, int]] = []
        for endpoint in ordered:
            if endpoint.key not in SHARED and not memory:
                memory = [stack.memory_kib(pid) for pid in pids]
            response = stack.fetch(server.port, endpoint.path, headers=endpoint.headers)
            problem = f"status {response.status}" if response.status != 200 else None
            if problem := problem or endpoint.check(response):
                raise RuntimeError(f"{item.label} {endpoint.path}: {problem}")
            connections = endpoint.connections or measured.connections
            for each in (warmup, measured):
                result = load.run(
                    server.port,
                    endpoint.path,
                    replace(each, connections=connections),
                    pids,
                    endpoint.headers,
                )
            loads[endpoint.key] = result
            print(
                f"  {item.label:<20} {endpoint.path:<40} {result.requests_per_second:7.0f} req/s"
                f" {result.requests_per_cpu_second:7.0f} req/CPU-s, busiest worker"
                f" {result.busiest_worker_share:.0%} of the workers' CPU",
                flush=True,
            )
        if server.worker_pids() != pids[1:]:
            raise RuntimeError(f"{item.label}: a worker was replaced during the load")
        memory = memory or [stack.memory_kib(pid) for pid in pids]
    return Round(memory, loads)


def in_process(items: list[Stack], batches: int) -> dict[str, dict[str, float]]:
    """Best CPU µs per request of each Django project on the shared endpoints.

    Both projects run side by side, batches of a tenth of a second taking turns.
    """
    projects = {
        item.key: (item.env, item.cwd, item.path)
        for item in items
        if item.key in {"bastion", "baseline"}
    }
    return inprocess.interleaved(projects, IN_PROCESS, batches)


def summarise(
    items: list[Stack],
    rounds: dict[str, list[Round]],
    starts: dict[str, list[float]],
    cpu_micros: dict[str, dict[str, float]],
) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for item in items:
        endpoints = {}
        for endpoint in item.endpoints:
            results = [each.loads[endpoint.key] for each in rounds[item.key]]
            balanced = [r for r in results if r.busiest_worker_share <= BALANCED_SHARE]
            usable = balanced or results
            # Each figure is its own best of the rounds: another process only ever slows one.
            endpoints[endpoint.key] = {
                "path": endpoint.path,
                "requests_per_second": max(r.requests_per_second for r in usable),
                "p50_ms": min(r.p50_ms for r in usable),
                "p99_ms": min(r.p99_ms for r in usable),
                "balanced_rounds": len(balanced),
                "requests_per_cpu_second": max(r.requests_per_cpu_second for r in results),
                "in_process_cpu_us": cpu_micros.get(item.key, {}).get(endpoint.key),
                "median_requests_per_second": statistics.median(
                    r.requests_per_second for r in results
                ),
                "errors": sum(result.errors for result in results),
                "rounds": [
                    {
                        **asdict(r),
                        "requests_per_second": r.requests_per_second,
                        "busiest_worker_share": r.busiest_worker_share,
                    }
                    for r in results
                ],
            }
        per_worker = [
            {
                kind: statistics.fmean(w[kind] for w in each.memory_kib[1:])
                for kind in ("rss", "pss", "private")
            }
            for each in rounds[item.key]
        ]
        server_pss = [sum(p["pss"] for p in each.memory_kib) for each in rounds[item.key]]
        summary[item.key] = {
            "label": item.label,
            "cold_start_seconds": min(starts[item.key]),
            "cold_start_samples": starts[item.key],
            "memory_per_worker_kib": {
                kind: statistics.median(memory[kind] for memory in per_worker)
                for kind in ("rss", "pss", "private")
            },
            "server_pss_kib": statistics.median(server_pss),
            "endpoints": endpoints,
        }
    return summary


def targets(summary: dict[str, Any]) -> list[dict[str, Any]]:
    bastion, base, limit = summary["bastion"], summary["baseline"], summary["limit"]

    def ratio(metric: str, endpoint: str, other: dict[str, Any] = base) -> float:
        mine, theirs = bastion["endpoints"][endpoint][metric], other["endpoints"][endpoint][metric]
        return float(mine / theirs) if theirs else float("nan")

    errors = sum(
        endpoint["errors"] for entry in summary.values() for endpoint in entry["endpoints"].values()
    )

    cold = bastion["cold_start_seconds"] / base["cold_start_seconds"]
    pss = bastion["server_pss_kib"] / base["server_pss_kib"]
    checks: list[tuple[str, float, str | None, float]] = [
        ("page req/s", ratio("requests_per_second", "page"), ">=", 1.0),
        ("page p99", ratio("p99_ms", "page"), "<=", 1.3),
        ("/healthz req/s", ratio("requests_per_second", "healthz"), ">=", 0.9),
        ("page CPU per request, in-process", ratio("in_process_cpu_us", "page"), "<=", 1.05),
        ("/healthz CPU per request, in-process", ratio("in_process_cpu_us", "healthz"), "<=", 1.3),
        ("cold start to the first 200", cold, "<=", 1.3),
        ("whole-server Pss (master and workers)", pss, "<=", 1.0),
        ("errors, every stack and endpoint (a count)", errors, "==", 0),
        # The page that waits on PostgreSQL must not be what the shipped server gives up
        # for the CPU-bound page: at least plain Django's rate and p99 within its bound.
        ("database page req/s", ratio("requests_per_second", "database"), ">=", 1.0),
        ("database page p99", ratio("p99_ms", "database"), "<=", 1.3),
        ("/healthz p99", ratio("p99_ms", "healthz"), None, 0),
        ("page req per server CPU-s", ratio("requests_per_cpu_second", "page"), None, 0),
        (
            "/healthz req/s, Bastion / bare WSGI",
            ratio("requests_per_second", "healthz", limit),
            None,
            0,
        ),
    ]
    compare = {">=": float.__ge__, "<=": float.__le__, "==": float.__eq__}
    return [
        {
            "name": name,
            "value": value,
            "target": f"{op} {bound}" if op else None,
            "met": compare[op](float(value), float(bound)) if op else None,
        }
        for name, value, op, bound in checks
    ]


def print_report(report: dict[str, Any]) -> None:
    print(
        f"\n{'stack':<20} {'endpoint':<40} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7}"
        f" {'req/CPU-s':>9} {'errors':>6}"
    )
    for entry in report["stacks"].values():
        for endpoint in entry["endpoints"].values():
            print(
                f"{entry['label']:<20} {endpoint['path']:<40} "
                f"{endpoint['requests_per_second']:7.0f} {endpoint['p50_ms']:7.1f} "
                f"{endpoint['p99_ms']:7.1f} {endpoint['requests_per_cpu_second']:9.0f} "
                f"{endpoint['errors']:6d}"
            )
    print("\nDjango's side alone, in-process: CPU µs per request")
    for entry in report["stacks"].values():
        for endpoint in entry["endpoints"].values():
            if (micros := endpoint["in_process_cpu_us"]) is not None:
                print(f"{entry['label']:<20} {endpoint['path']:<40} {micros:7.0f}")
    print()
    for entry in report["stacks"].values():
        memory = entry["memory_per_worker_kib"]
        print(
            f"{entry['label']:<20} cold start {entry['cold_start_seconds']:.2f} s, "
            f"server Pss {entry['server_pss_kib'] / 1024:.1f} MiB; per worker"
            f" Rss {memory['rss'] / 1024:.1f} MiB, private {memory['private'] / 1024:.1f} MiB"
        )
    print(
        f"release step (check --deploy, then migrate an empty database): "
        f"{report['release_seconds']:.1f} s\n"
    )
    print(f"{'Bastion / Django startproject':<48} {'ratio':>6}  {'target':<14}")
    for target in report["targets"]:
        wanted = target["target"] or ""
        verdict = {True: "met", False: "MISSED", None: ""}[target["met"]]
        print(f"{target['name']:<48} {target['value']:6.2f}  {wanted:<14} {verdict}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m proof.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seconds", type=int, default=5, help="measured load per endpoint")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured load before each")
    # wrk opens its connections all at once and gunicorn's workers race to accept them: with
    # 16, one worker often won every one and the other idled. 64 spread over both.
    parser.add_argument("--connections", type=int, default=64, help="wrk's open connections")
    parser.add_argument("--rounds", type=int, default=4, help="load rounds per stack")
    parser.add_argument(
        "--batches", type=int, default=40, help="in-process batches per project and endpoint"
    )
    parser.add_argument("--cold-starts", type=int, default=5, help="spawns timed per stack")
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY for every stack")
    parser.add_argument(
        "--threads", type=int, help="GUNICORN_THREADS for Bastion (default: the shipped one)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="where results are written")
    args = parser.parse_args(argv)

    load.wrk_path()
    measured = load.Load(seconds=args.seconds, connections=args.connections)
    warmup = load.Load(seconds=args.warmup, connections=args.connections)
    common = {"WEB_CONCURRENCY": str(args.workers)}
    if args.threads is not None:
        common["GUNICORN_THREADS"] = str(args.threads)
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
        baseline_dir = baseline.create(Path(temp) / "baseline", database.url)
        items = stacks(database.url, baseline_dir, common)
        logs = {item.key: Path(temp) / f"{item.key}.log" for item in items}

        print(f"cold starts, {args.cold_starts} per stack", flush=True)
        starts: dict[str, list[float]] = {item.key: [] for item in items}
        for _ in range(args.cold_starts):
            for item in items:
                starts[item.key].append(cold_start(item, logs[item.key]))

        rounds: dict[str, list[Round]] = {item.key: [] for item in items}
        for number in range(1, args.rounds + 1):
            print(f"round {number} of {args.rounds}", flush=True)
            for item in items:
                rounds[item.key].append(
                    measure(item, measured, warmup, args.workers, logs[item.key])
                )

        print("Django's side alone, in-process", flush=True)
        cpu_micros = in_process(items, args.batches)

    summary = summarise(items, rounds, starts, cpu_micros)
    shipped = runpy.run_path(str(GUNICORN_CONF))
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
            "bastion_gunicorn": {
                name: shipped.get(name) for name in ("worker_class", "threads", "preload_app")
            },
            "baseline_gunicorn": "gunicorn's defaults (sync workers, no config file)",
            "connections": args.connections,
            "page_connections": PAGE_CONNECTIONS,
            "wrk_threads": measured.threads,
            "seconds": args.seconds,
            "warmup_seconds": args.warmup,
            "rounds": args.rounds,
            "cold_starts": args.cold_starts,
            "in_process_batches": args.batches,
            "figures": (
                "best of the rounds whose load both workers shared (cold start: fastest spawn;"
                " in-process: fastest batch, the two projects' batches taking turns); every"
                " round is kept"
            ),
            "memory": (
                "Rss, Pss and Private_Clean + Private_Dirty from /proc/<pid>/smaps_rollup"
                " after the shared endpoints; per worker: mean of the workers; server Pss:"
                " master and workers summed, the figure the target compares"
            ),
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
