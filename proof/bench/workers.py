"""
Which gunicorn worker model serves a small dyno best: measured, not assumed.

    python -m proof.bench.workers [--rounds 3 --seconds 5 --connections 16]
    python -m proof.bench.workers --cpus 1      # the server on one CPU, wrk on the others
    python -m proof.bench.workers --cpus 1 --workers 1

Bastion's production stack (USE_SSL, DEBUG off, PostgreSQL) runs with 2 workers, as on a
Heroku Basic dyno (`--workers` to change it), under each variant of the shipped
gunicorn.conf.py below. Each is loaded on a page that costs CPU (/bench/page/) and on a
page that waits 20 ms on PostgreSQL (`pg_sleep`; both planted by proof/bench/page.py).
Rounds run the variants in turn, so a busy spell on the machine hits every variant
alike; each figure is the best round (as timeit takes the minimum), and the JSON keeps
every round.

By default the server and wrk share every CPU, as in `make bench`. `--cpus N` confines the
server's processes (every thread of the master and the workers) to the first N CPUs and
wrk to the rest, so the server has exactly N to itself: a dyno or container with fewer
CPUs than workers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from proof import harness as stack
from proof.bench import load
from proof.harness import Server

VARIANT_CONF = Path(__file__).with_name("variant.conf.py")
RESULTS = Path(__file__).with_name("results")
# As on a Heroku Basic dyno, and gunicorn.conf.py's default.
WORKERS = 2
PAGES = {"page": "/bench/page/", "database_wait": "/bench/database/"}


@dataclass(frozen=True)
class Variant:
    key: str
    label: str
    settings: dict[str, Any]


VARIANTS = (
    Variant("sync", "sync (shipped)", {"worker_class": "sync", "threads": 1}),
    Variant(
        "sync_no_log",
        "sync, no access log",
        {"worker_class": "sync", "threads": 1, "accesslog": None},
    ),
    Variant(
        "sync_no_freeze",
        "sync, preloaded without gc.freeze()",
        {"worker_class": "sync", "threads": 1, "freeze": False},
    ),
    Variant(
        "sync_no_preload",
        "sync, each worker loading the app",
        {"worker_class": "sync", "threads": 1, "preload_app": False, "freeze": False},
    ),
    Variant(
        "gthread2_reuse_port",
        "gthread, 2 threads, a socket per worker",
        {"worker_class": "gthread", "threads": 2, "reuse_port": True},
    ),
    Variant(
        "gthread4_reuse_port",
        "gthread, 4 threads, a socket per worker",
        {"worker_class": "gthread", "threads": 4, "reuse_port": True},
    ),
    Variant(
        "gthread4",
        "gthread, 4 threads, one shared socket (shipped before)",
        {"worker_class": "gthread", "threads": 4, "reuse_port": False},
    ),
)


@dataclass(frozen=True)
class Cpus:
    """The CPUs the server runs on and those wrk runs on; None: any CPU."""

    server: frozenset[int] | None = None
    load: frozenset[int] | None = None

    @classmethod
    def split(cls, count: int | None) -> Cpus:
        """The server on the first `count` CPUs this process may use, wrk on the rest."""
        if count is None:
            return cls()
        available = sorted(os.sched_getaffinity(0))
        if not 1 <= count < len(available):
            raise SystemExit(
                f"--cpus {count}: give 1 to {len(available) - 1}, leaving wrk a CPU"
                f" of the {len(available)} this process may use"
            )
        return cls(frozenset(available[:count]), frozenset(available[count:]))


def confine(pids: Sequence[int], cpus: frozenset[int]) -> None:
    """Keep every thread of the processes, and any they start later, on `cpus`."""
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").iterdir():
            os.sched_setaffinity(int(task.name), cpus)


def measure(
    variant: Variant,
    env: dict[str, str],
    measured: load.Load,
    warmup: load.Load,
    log: Path,
    *,
    cpus: Cpus,
    workers: int,
) -> dict[str, Any]:
    settings = {"preload_app": True, "freeze": True, **variant.settings}
    variant_env = {**env, "BENCH_GUNICORN": json.dumps(settings)}
    with Server("config.wsgi", variant_env, log, config=VARIANT_CONF) as server:
        start_seconds = server.wait_until_serving()
        pids = [server.pid, *server.wait_for_workers(workers)]
        if cpus.server is not None:
            confine(pids, cpus.server)
        pages: dict[str, Any] = {}
        for key, path in PAGES.items():
            response = stack.fetch(server.port, path)
            if response.status != 200:
                raise RuntimeError(f"{variant.label} {path}: status {response.status}")
            load.run(server.port, path, warmup, pids, cpus=cpus.load)
            result = load.run(server.port, path, measured, pids, cpus=cpus.load)
            pages[key] = {
                "requests_per_second": result.requests_per_second,
                "requests_per_cpu_second": result.requests_per_cpu_second,
                "p50_ms": result.p50_ms,
                "p99_ms": result.p99_ms,
                "errors": result.errors,
                "busiest_worker_share": result.busiest_worker_share,
            }
        memory = [stack.memory_kib(pid) for pid in pids]
    return {
        "pages": pages,
        # Spawning gunicorn to the first 200 from /healthz.
        "start_seconds": start_seconds,
        "memory_kib": {
            **{
                kind: statistics.fmean(worker[kind] for worker in memory[1:])
                for kind in ("rss", "private")
            },
            # The master and the workers: what the server holds (make bench's figure).
            "server_pss": sum(process["pss"] for process in memory),
        },
    }


def best(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The rounds summed up: rates and p99 the best round, memory the median, start the fastest.

    The best round, as timeit takes the minimum: another process only ever slows one.
    """
    pages = {}
    for key in PAGES:
        results = [each["pages"][key] for each in rounds]
        pages[key] = {
            "requests_per_second": max(r["requests_per_second"] for r in results),
            "median_requests_per_second": statistics.median(
                r["requests_per_second"] for r in results
            ),
            "p99_ms": min(r["p99_ms"] for r in results),
            # How evenly the workers shared the work: the busiest one's share of their
            # CPU time, median of the rounds (0.5 is an even split of two).
            "busiest_worker_share": statistics.median(r["busiest_worker_share"] for r in results),
            "errors": sum(r["errors"] for r in results),
        }
    memory = {
        kind: statistics.median(each["memory_kib"][kind] for each in rounds)
        for kind in ("rss", "private", "server_pss")
    }
    start = min(each["start_seconds"] for each in rounds)
    return {"pages": pages, "memory_kib": memory, "start_seconds": start}


def print_table(summary: dict[str, Any]) -> None:
    print(
        f"\n{'variant':<54} {'page req/s':>11} {'p99 ms':>7} {'busiest':>7}"
        f" {'wait req/s':>10} {'p99 ms':>7} {'busiest':>7}"
        f" {'Rss MiB':>8} {'private MiB':>11} {'server Pss':>10} {'start s':>7} {'errors':>6}"
    )
    for variant in VARIANTS:
        entry = summary[variant.key]
        page, wait = entry["pages"]["page"], entry["pages"]["database_wait"]
        errors = page["errors"] + wait["errors"]
        print(
            f"{variant.label:<54} {page['requests_per_second']:11.0f} {page['p99_ms']:7.1f}"
            f" {page['busiest_worker_share']:7.0%}"
            f" {wait['requests_per_second']:10.0f} {wait['p99_ms']:7.1f}"
            f" {wait['busiest_worker_share']:7.0%}"
            f" {entry['memory_kib']['rss'] / 1024:8.1f}"
            f" {entry['memory_kib']['private'] / 1024:11.1f}"
            f" {entry['memory_kib']['server_pss'] / 1024:10.1f}"
            f" {entry['start_seconds']:7.2f} {errors:6d}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m proof.bench.workers", description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="measured load per page")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured load before each")
    parser.add_argument("--connections", type=int, default=16, help="wrk's open connections")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every variant")
    parser.add_argument("--workers", type=int, default=WORKERS, help="WEB_CONCURRENCY")
    parser.add_argument(
        "--cpus",
        type=int,
        help="run the server on this many CPUs and wrk on the others (default: all shared)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="where results are written")
    args = parser.parse_args(argv)
    cpus = Cpus.split(args.cpus)
    if args.workers < 1:
        raise SystemExit(f"--workers {args.workers}: give 1 or more")

    load.wrk_path()
    measured = load.Load(seconds=args.seconds, connections=args.connections)
    warmup = load.Load(seconds=args.warmup, connections=args.connections)
    args.output.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    with (
        tempfile.TemporaryDirectory(prefix="bastion-workers-") as temp,
        stack.fresh_database("workers") as database,
    ):
        stack.collectstatic()
        stack.release(database.url)
        env = stack.production_env(
            database.url,
            DJANGO_SETTINGS_MODULE="proof.bench.settings",
            WEB_CONCURRENCY=str(args.workers),
        )
        rounds: dict[str, list[dict[str, Any]]] = {variant.key: [] for variant in VARIANTS}
        for number in range(1, args.rounds + 1):
            print(f"round {number} of {args.rounds}", flush=True)
            for variant in VARIANTS:
                log = Path(temp) / f"{variant.key}.log"
                rounds[variant.key].append(
                    measure(variant, env, measured, warmup, log, cpus=cpus, workers=args.workers)
                )
                page = rounds[variant.key][-1]["pages"]["page"]
                wait = rounds[variant.key][-1]["pages"]["database_wait"]
                print(
                    f"  {variant.label:<54} page {page['requests_per_second']:5.0f} req/s"
                    f" p99 {page['p99_ms']:6.1f} ms, wait {wait['requests_per_second']:5.0f}"
                    f" req/s p99 {wait['p99_ms']:6.1f} ms",
                    flush=True,
                )
    summary = {key: best(each) for key, each in rounds.items()}
    print_table(summary)
    report = {
        "settings": {
            "workers": args.workers,
            "server_cpus": None if cpus.server is None else sorted(cpus.server),
            "wrk_cpus": None if cpus.load is None else sorted(cpus.load),
            "connections": args.connections,
            "seconds": args.seconds,
            "rounds": args.rounds,
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        },
        "best": summary,
        "rounds": rounds,
    }
    name = "workers" if args.cpus is None else f"workers-{args.cpus}cpu"
    name += ".json" if args.workers == WORKERS else f"-{args.workers}workers.json"
    (args.output / name).write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.output / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
