"""
Django's side of a request on its own: CPU time per request, in-process.

    DJANGO_SETTINGS_MODULE=... python -m proof.bench.inprocess /healthz /admin/login/

Calls the project's WSGI application directly, with no server and no network, and prints
the best CPU time per request of several repetitions as JSON. CPU time of one process is
what a busy machine disturbs least, so this is the steadiest view of what each project's
middleware, views and templates cost; the benchmark runs it for Bastion and the baseline
in turn.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from proof.harness import REPO

REPETITIONS = 10
SECONDS_PER_REPETITION = 0.2


def main(paths: Sequence[str]) -> int:
    from django.core.wsgi import get_wsgi_application

    from proof.bench.profile import request

    application = get_wsgi_application()
    best: dict[str, float] = {}
    for path in paths:
        status = request(application, path)
        if not status.startswith("200"):
            raise SystemExit(f"{path} answered {status}")
        started = time.process_time()
        for _ in range(20):  # warm, and estimate the cost of one request
            request(application, path)
        count = max(10, int(SECONDS_PER_REPETITION / ((time.process_time() - started) / 20)))
        timings = []
        for _ in range(REPETITIONS):
            started = time.process_time()
            for _ in range(count):
                request(application, path)
            timings.append((time.process_time() - started) / count)
        best[path] = min(timings) * 1e6
    print(json.dumps(best))
    return 0


def measure(env: Mapping[str, str], cwd: Path, paths: Sequence[str]) -> dict[str, float]:
    """Microseconds of CPU per request for each path, in a new process with `env`."""
    output = subprocess.run(
        [sys.executable, "-m", "proof.bench.inprocess", *paths],
        cwd=cwd,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    result: dict[str, float] = json.loads(output.splitlines()[-1])
    return result


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
