"""
gunicorn's configuration, shared by Heroku (Procfile) and Docker (CMD).

https://docs.gunicorn.org/en/stable/settings.html
Heroku facts behind the numbers: 30 s router timeout, 90 s router idle
keep-alive, SIGKILL 30 s after SIGTERM. docs/heroku.md explains each choice.
Settings given in GUNICORN_CMD_ARGS take precedence over this file.
"""

import gc
import os

# Heroku and most platforms say which port to listen on in $PORT, and their
# router or proxy connects from outside: every interface then (the image sets
# PORT=8000). Without PORT, gunicorn run by hand serves this machine only.
bind = f"0.0.0.0:{os.environ['PORT']}" if os.environ.get("PORT") else "127.0.0.1:8000"

# Heroku sets WEB_CONCURRENCY at dyno boot from the dyno's memory (2 on a
# 512 MB Basic dyno); 2 is the same default anywhere else.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))

# Threads let one worker wait on the database for one request while serving
# another: measured on 2 workers, 4 threads served a page
# that waits 20 ms on PostgreSQL at 2 to 3x the rate of sync workers, and a
# CPU-bound page as fast. Pages that only compute: GUNICORN_THREADS=1 or 2.
# Each thread keeps one database connection open, so workers x threads per
# dyno must fit the database's connection limit (docs/heroku.md).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A worker whose main loop stops answering for 20 s is killed and replaced.
# With threads this is a heartbeat, not a per-request limit: the router
# answers the client with an H12 error after 30 s whatever the app does.
timeout = 20

# On SIGTERM finish in-flight requests for up to 20 s, inside the 30 s
# Heroku (and `docker stop`) wait before SIGKILL.
graceful_timeout = 20

# Longer than the router's 90 s idle timeout, so the router closes idle
# connections first and never sends a request into one gunicorn just closed.
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
