"""
Profile one URL of the production configuration in-process: where a request's time goes.

    .venv/bin/python -m proof.bench.profile /healthz --requests 3000

Runs the WSGI application under cProfile with production settings (USE_SSL on and the
proxy's X-Forwarded-Proto, DEBUG off, a fresh migrated PostgreSQL database) and prints the
functions that cost the most CPU time. No server and no network: the numbers are the
Django side of a request only, and steadier than a load test on a busy machine.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from proof import harness

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Any]


def environ(path: str) -> dict[str, Any]:
    """What gunicorn hands the app for `GET <path>` arriving through the HTTPS proxy."""
    route, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": route,
        "QUERY_STRING": query,
        "SERVER_NAME": harness.HOST,
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": harness.HOST,
        "HTTP_X_FORWARDED_PROTO": "https",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def request(app: WsgiApp, path: str) -> str:
    statuses: list[str] = []
    body = app(environ(path), lambda status, headers, exc_info=None: statuses.append(status))
    try:
        b"".join(body)
    finally:
        body.close()
    return statuses[0]


@contextmanager
def production_application(purpose: str, settings_module: str) -> Iterator[WsgiApp]:
    """This process as a production dyno, on a fresh migrated database: its WSGI app.

    Static files collected and the release step run, then the production environment with
    `settings_module`, then config.wsgi (the boot refusal and django.setup(), as the
    server runs them). The app's connections are closed before the database is dropped.
    """
    with harness.fresh_database(purpose) as database:
        harness.collectstatic()
        harness.release(database.url)
        os.environ.update(
            harness.production_env(
                database.url, DJANGO_SETTINGS_MODULE=settings_module, LOG_LEVEL="WARNING"
            )
        )
        from django.db import connections

        from config.wsgi import application

        try:
            yield application
        finally:
            connections.close_all()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m proof.bench.profile", description=__doc__)
    parser.add_argument("path", help="the URL path to request, like /healthz")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    parser.add_argument("--lines", type=int, default=30)
    args = parser.parse_args(argv)

    with production_application("profile", harness.SITE_SETTINGS) as application:
        status = request(application, args.path)
        if not status.startswith("200"):
            raise SystemExit(f"{args.path} answered {status}")
        for _ in range(100):  # warm: templates compiled, connections open
            request(application, args.path)
        started = time.process_time()
        for _ in range(args.requests):
            request(application, args.path)
        per_request = (time.process_time() - started) / args.requests
        print(f"{args.path}: {per_request * 1e6:.0f} µs of CPU per request, unprofiled")

        profile = cProfile.Profile(time.process_time)
        profile.runcall(lambda: [request(application, args.path) for _ in range(args.requests)])
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
