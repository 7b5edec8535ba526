"""
gunicorn's configuration, shared by Heroku (Procfile) and Docker (CMD).

https://docs.gunicorn.org/en/stable/settings.html
Heroku facts behind the numbers: 30 s router timeout, 90 s router idle
keep-alive, SIGKILL 30 s after SIGTERM. docs/heroku.md explains each choice.
Settings given in GUNICORN_CMD_ARGS take precedence over this file. A bad value
of a variable read here stops the server with one line and status 3; the Procfile
and the image start gunicorn through config/serve.py, which does the same for
WEB_CONCURRENCY before gunicorn itself reads it.
"""

import gc
import os
import sys


def _count(name: str, default: str) -> int:
    """A whole number of at least 1 from the environment, or one line and exit status 3."""
    value = os.environ.get(name, "").strip() or default
    if not value.isdecimal() or int(value) < 1:
        fix = "set it to a whole number of 1 or more (1, 2, 4...), or unset it"
        print(f"{name}={value!r} is not a count: {fix}", file=sys.stderr)
        raise SystemExit(3)
    return int(value)


def _port() -> str | None:
    """The port $PORT names (blank is unset, 0 any free one), or one line and exit status 3."""
    value = os.environ.get("PORT", "").strip()
    if not value:
        return None
    if not value.isdecimal() or int(value) > 65535:
        fix = "set it to a whole number from 1 to 65535, or unset it"
        print(f"PORT={value!r} is not a port: {fix}", file=sys.stderr)
        raise SystemExit(3)
    return str(int(value))


# Heroku and most platforms say which port to listen on in $PORT, and their
# router or proxy connects from outside: every interface then (the image sets
# PORT=8000). Without PORT, gunicorn run by hand serves this machine only.
_PORT = _port()
bind = f"0.0.0.0:{_PORT}" if _PORT else "127.0.0.1:8000"

# Heroku sets WEB_CONCURRENCY at dyno boot from the dyno's memory (2 on a
# 512 MB Basic dyno); 2 is the same default anywhere else.
workers = _count("WEB_CONCURRENCY", "2")

# One request at a time per worker (gunicorn's sync workers) by default: measured on
# 2 workers and 2 cores, they served a page that computes
# for 8 ms at 1.07x the rate of plain Django with 0.87x its p99, where 4 threads per
# worker cost every request more CPU (the threads take turns on the interpreter)
# and one worker holding most keep-alive connections left the other idle (0.3x).
# A page that waits 20 ms on PostgreSQL was still served at 1.2x plain Django's
# rate. GUNICORN_THREADS=2 or more (gthread workers) lets a worker serve others
# while one waits on the database or another service: for pages that mostly wait.
threads = _count("GUNICORN_THREADS", "1")
worker_class = "gthread" if threads > 1 else "sync"
# With threads, each worker listens on its own socket and the kernel spreads new
# connections between them; on one shared socket the worker that wakes first
# accepts a burst of them and keeps them alive (measured: 98% of the work on
# one worker). A sync worker takes a connection only when idle, so shares one.
# Each thread keeps one database connection open, so workers x threads per
# dyno must fit the database's connection limit (docs/heroku.md).
reuse_port = threads > 1

# A worker that answers nothing for 20 s is killed and replaced: for a sync
# worker that is one request taking 20 s; with threads, a heartbeat of the
# worker's main loop. Either way the router answers the client with an H12
# error after 30 s whatever the app does.
timeout = 20

# On SIGTERM finish in-flight requests for up to 20 s, inside the 30 s
# Heroku (and `docker stop`) wait before SIGKILL.
graceful_timeout = 20

# With threads: longer than the router's 90 s idle timeout, so the router closes
# idle connections first and never sends a request into one gunicorn just closed.
# (A sync worker closes each connection after its response, and says so.)
keepalive = 95

# Load the app once in the master: workers fork with it already imported
# (faster boot, shared memory), and a bad configuration stops the master at once.
preload_app = True

# No max_requests: a restarted worker pays a cold start and refills its caches,
# and nothing here grows without bound; set it only if a worker's memory grows.


def pre_fork(server: object, worker: object) -> None:
    """Freeze the preloaded app's objects before each worker is forked.

    A garbage collection in a worker would otherwise write to every object it
    inherited, copying the master's shared pages into the worker: frozen, they
    stay shared (2 to 6 MiB less private memory per worker, as measured).
    """
    gc.freeze()


# Nothing uses gunicornc on a dyno or in a container; without the control
# socket no file appears under $HOME, shared by every server run as that user.
control_socket_disable = True

# Logs go to stdout/stderr, where Heroku and Docker collect them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# One logfmt line per request: the request id the app answered with (the
# platform's X-Request-ID, or one Django generated) ties it to the router's
# line and to the app's own log lines; X-Forwarded-For carries the client's
# address (Heroku's router appends the address it saw, so the last entry is
# the trustworthy one); peer is the proxy that connected.
access_log_format = (
    'method=%(m)s path="%(U)s" status=%(s)s bytes=%(B)s duration_ms=%(M)s '
    'request_id=%({x-request-id}o)s client="%({x-forwarded-for}i)s" peer=%(h)s '
    'user_agent="%(a)s"'
)

# Control characters and quotes in a request's path, query or headers are written
# as \xNN escapes, so no request can forge a log line (config/access_log.py).
logger_class = "config.access_log.AccessLogger"

# Trust X-Forwarded-* only from addresses that always overwrite them: the
# local host by default; Heroku's router (app.json sets FORWARDED_ALLOW_IPS=*)
# is the only way to reach a dyno, so there every peer is the router.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Workers touch a heartbeat file every second; in a container /tmp can sit on
# an overlay disk where that stalls, so keep it in memory where there is one.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
