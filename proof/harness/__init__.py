"""
The proof's one harness: the production stack, throwaway databases and plain HTTP.

gunicorn with gunicorn.conf.py, USE_SSL on, a fresh PostgreSQL database migrated by the
release step, and collected static files: what a dyno or a container runs. Every part of
proof/ finds ports, starts servers, makes databases and drives a browser through this
package, and never through another proof folder. Every server listens on 127.0.0.1
only, on a port picked at run time, and is stopped by its PID.

- project: paths and tools, a process's environment, the build and release steps.
- ports: a free port, an open one, one that never answers.
- processes: the one /proc reader, waiting for a condition, the one gunicorn runner.
- databases: PostgreSQL databases that exist for one run.
- clients: HTTP requests as the router forwards them, raw bytes, a cookie-keeping
  client, parallel load.
- proxies: a TCP proxy to cut or stall, a TLS front, and the one pump they share.
- fixtures: the production stack as fixtures (proof/conftest.py installs them).
- browser, browser_fixtures: Chromium driven by Playwright against the live app.

The names most proofs need are importable from the package itself.
"""

from proof.harness.clients import Response, fetch
from proof.harness.databases import (
    POSTGRES_URL,
    Database,
    fresh_database,
    postgres_address,
    with_port,
)
from proof.harness.ports import free_port, port_is_open
from proof.harness.processes import Server, child_pids, cpu_seconds, memory_kib, wait_until
from proof.harness.project import (
    BIN,
    GUNICORN_CONF,
    HOST,
    HTTPS_HEADERS,
    ORIGIN,
    REPO,
    SITE_SETTINGS,
    UV,
    base_env,
    collectstatic,
    hashed_static_path,
    production_env,
    release,
    requests_served_at_once,
    run_checked,
    unavailable,
)

__all__ = [
    "BIN",
    "GUNICORN_CONF",
    "HOST",
    "HTTPS_HEADERS",
    "ORIGIN",
    "POSTGRES_URL",
    "REPO",
    "SITE_SETTINGS",
    "UV",
    "Database",
    "Response",
    "Server",
    "base_env",
    "child_pids",
    "collectstatic",
    "cpu_seconds",
    "fetch",
    "free_port",
    "fresh_database",
    "hashed_static_path",
    "memory_kib",
    "port_is_open",
    "postgres_address",
    "production_env",
    "release",
    "requests_served_at_once",
    "run_checked",
    "unavailable",
    "wait_until",
    "with_port",
]
