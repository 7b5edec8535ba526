"""
Django's side of a request on its own: CPU time per request, in-process.

    DJANGO_SETTINGS_MODULE=... python -m proof.bench.inprocess /healthz /bench/page/

Calls the project's WSGI application directly, with no server and no network, and prints
the best CPU time per request of several batches as JSON. CPU time of one process is what
a busy machine disturbs least, so this is the steadiest view of what each project's
middleware, views and templates cost.

The benchmark compares two projects, each needing its own process and settings. A spell
of a slower machine (another tenant, a frequency change) lasting seconds would still
favour whichever project was measured outside it, so `interleaved` keeps one process per
project running and alternates short batches between them, a fraction of a second each,
in turn: both see the same spells, and the best batch of each is compared.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from proof.harness import REPO

# Each batch runs about this long; the benchmark takes the best of many.
SECONDS_PER_BATCH = 0.1
BATCHES = 10


def batches(application: Any, path: str, seconds: float = SECONDS_PER_BATCH) -> Iterator[float]:
    """CPU µs per request of successive batches of requests to `path`, each about `seconds` long."""
    from proof.bench.profile import request

    status = request(application, path)
    if not status.startswith("200"):
        raise SystemExit(f"{path} answered {status}")
    started = time.process_time()
    for _ in range(20):  # warm, and estimate the cost of one request
        request(application, path)
    count = max(5, int(seconds / ((time.process_time() - started) / 20)))
    while True:
        started = time.process_time()
        for _ in range(count):
            request(application, path)
        yield (time.process_time() - started) / count * 1e6


def main(argv: Sequence[str]) -> int:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    if argv == ["--serve"]:
        # One batch for each path read from stdin; its µs per request on stdout.
        running: dict[str, Iterator[float]] = {}
        for line in sys.stdin:
            path = line.strip()
            measured = running.setdefault(path, batches(application, path))
            print(json.dumps(next(measured)), flush=True)
        return 0
    best = {}
    for path in argv:
        measured = batches(application, path)
        best[path] = min(next(measured) for _ in range(BATCHES))
    print(json.dumps(best))
    return 0


class Project:
    """A process holding one project's application, measuring a batch when asked."""

    def __init__(self, env: Mapping[str, str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "proof.bench.inprocess", "--serve"],
            cwd=cwd,
            env={**env, "PYTHONPATH": str(REPO)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if self.process.stdin is None or self.process.stdout is None:
            raise RuntimeError("the in-process measurement got no pipes")
        self.requests, self.results = self.process.stdin, self.process.stdout

    def batch(self, path: str) -> float:
        """CPU µs per request of one batch of requests to `path`."""
        self.requests.write(f"{path}\n")
        self.requests.flush()
        line = self.results.readline()
        if not line:  # it stopped: its error is on stderr, which it shares with the run
            raise RuntimeError(f"the in-process measurement of {path} stopped")
        value: float = json.loads(line)
        return value

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.requests.close()
        self.process.wait(timeout=30)


def interleaved(
    projects: Mapping[str, tuple[Mapping[str, str], Path, Callable[[str], str]]],
    keys: Sequence[str],
    rounds: int,
) -> dict[str, dict[str, float]]:
    """Best CPU µs per request of each project on each key, batches taking turns.

    `projects` maps a name to its environment, working directory and a function from a
    key to the project's path for it. Every round runs one batch of each project on each
    key, the order of the projects reversed every other round.
    """
    best: dict[str, dict[str, float]] = {name: {} for name in projects}
    with ExitStack() as stack:
        started = {
            name: stack.enter_context(Project(env, cwd)) for name, (env, cwd, _) in projects.items()
        }
        names = list(projects)
        for number in range(rounds):
            for key in keys:
                for name in names if number % 2 == 0 else reversed(names):
                    value = started[name].batch(projects[name][2](key))
                    best[name][key] = min(best[name].get(key, value), value)
    return best


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
