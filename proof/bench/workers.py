"""
Which gunicorn worker model serves a small dyno best: measured, not assumed.

    python -m proof.bench.workers [--rounds 3 --seconds 5 --connections 16]

Bastion's production stack (USE_SSL, DEBUG off, PostgreSQL) runs with 2 workers, as on a
Heroku Basic dyno, under each variant of the shipped gunicorn.conf.py below. Each is loaded
on a page that costs CPU (/bench/page/) and on a page that waits 20 ms on PostgreSQL
(`pg_sleep`; both planted by proof/bench/page.py). Rounds run the
variants in turn, so a busy spell on the machine hits every variant alike; each figure is
the best round (as timeit takes the minimum), and the JSON keeps every round.
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


def measure(
    variant: Variant, env: dict[str, str], measured: load.Load, warmup: load.Load, log: Path
) -> dict[str, Any]:
    settings = {"preload_app": True, "freeze": True, **variant.settings}
    variant_env = {**env, "BENCH_GUNICORN": json.dumps(settings)}
    with Server("config.wsgi", variant_env, log, config=VARIANT_CONF) as server:
        server.wait_until_serving()
        pids = [server.pid, *server.wait_for_workers(WORKERS)]
        pages: dict[str, Any] = {}
        for key, path in PAGES.items():
            response = stack.fetch(server.port, path)
            if response.status != 200:
                raise RuntimeError(f"{variant.label} {path}: status {response.status}")
            load.run(server.port, path, warmup, pids)
            result = load.run(server.port, path, measured, pids)
            pages[key] = {
                "requests_per_second": result.requests_per_second,
                "requests_per_cpu_second": result.requests_per_cpu_second,
                "p50_ms": result.p50_ms,
                "p99_ms": result.p99_ms,
                "errors": result.errors,
                "busiest_worker_share": result.busiest_worker_share,
            }
        memory = [stack.memory_kib(pid) for pid in pids[1:]]
    return {
        "pages": pages,
        "memory_kib": {
            kind: statistics.fmean(worker[kind] for worker in memory) for kind in ("rss", "private")
        },
    }


def best(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Per page each figure's best round, as timeit takes the minimum; memory: the median."""
    pages = {}
    for key in PAGES:
        results = [each["pages"][key] for each in rounds]
        pages[key] = {
            "requests_per_second": max(r["requests_per_second"] for r in results),
            "median_requests_per_second": statistics.median(
                r["requests_per_second"] for r in results
            ),
            "p99_ms": min(r["p99_ms"] for r in results),
            "errors": sum(r["errors"] for r in results),
        }
    memory = {
        kind: statistics.median(each["memory_kib"][kind] for each in rounds)
        for kind in ("rss", "private")
    }
    return {"pages": pages, "memory_kib": memory}


def print_table(summary: dict[str, Any]) -> None:
    print(
        f"\n{'variant':<54} {'page req/s':>11} {'p99 ms':>7} {'wait req/s':>10} {'p99 ms':>7}"
        f" {'Rss MiB':>8} {'private MiB':>11} {'errors':>6}"
    )
    for variant in VARIANTS:
        entry = summary[variant.key]
        page, wait = entry["pages"]["page"], entry["pages"]["database_wait"]
        errors = page["errors"] + wait["errors"]
        print(
            f"{variant.label:<54} {page['requests_per_second']:11.0f} {page['p99_ms']:7.1f}"
            f" {wait['requests_per_second']:10.0f} {wait['p99_ms']:7.1f}"
            f" {entry['memory_kib']['rss'] / 1024:8.1f}"
            f" {entry['memory_kib']['private'] / 1024:11.1f} {errors:6d}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m proof.bench.workers", description=__doc__)
    parser.add_argument("--seconds", type=int, default=5, help="measured load per page")
    parser.add_argument("--warmup", type=int, default=1, help="unmeasured load before each")
    parser.add_argument("--connections", type=int, default=16, help="wrk's open connections")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every variant")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where results are written")
    args = parser.parse_args(argv)

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
            database.url, DJANGO_SETTINGS_MODULE="proof.bench.settings", WEB_CONCURRENCY="2"
        )
        rounds: dict[str, list[dict[str, Any]]] = {variant.key: [] for variant in VARIANTS}
        for number in range(1, args.rounds + 1):
            print(f"round {number} of {args.rounds}", flush=True)
            for variant in VARIANTS:
                log = Path(temp) / f"{variant.key}.log"
                rounds[variant.key].append(measure(variant, env, measured, warmup, log))
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
            "workers": WORKERS,
            "connections": args.connections,
            "seconds": args.seconds,
            "rounds": args.rounds,
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        },
        "best": summary,
        "rounds": rounds,
    }
    (args.output / "workers.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwrote {args.output / 'workers.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
