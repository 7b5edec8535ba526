"""
gunicorn's configuration, shared by Heroku (Procfile) and Docker (CMD).

https://docs.gunicorn.org/en/stable/settings.html
Heroku facts behind the numbers: 30 s router timeout, 90 s router idle
keep-alive, SIGKILL 30 s after SIGTERM.
"""

import os

# Heroku and most platforms say which port to listen on in $PORT.
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# Heroku sets WEB_CONCURRENCY from the dyno size; 2 fits a 512 MB dyno.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))

# Threads let one worker wait on the database for one request while serving
# another; each thread may hold one database connection (README: connection budget).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# Kill a request stuck for 20 s, before the router gives up on it at 30 s.
timeout = 20

# On SIGTERM finish in-flight requests for up to 20 s, inside Heroku's 30 s.
graceful_timeout = 20

# Longer than the router's 90 s idle timeout, so the router closes idle
# connections first and never sends a request into one gunicorn just closed.
keepalive = 95

# Load the app once in the master: workers fork with it already imported
# (faster boot, shared memory), and a bad configuration stops the master at once.
preload_app = True

# Logs go to stdout/stderr, where Heroku and Docker collect them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# One logfmt line per request: the platform's request id ties it to the
# router's log, and X-Forwarded-For carries the client's address.
access_log_format = (
    'method=%(m)s path="%(U)s" status=%(s)s bytes=%(B)s duration_ms=%(M)s '
    'request_id=%({x-request-id}i)s client="%({x-forwarded-for}i)s" peer=%(h)s '
    'user_agent="%(a)s"'
)

# Trust X-Forwarded-* only from addresses that always overwrite them: the
# local host by default; Heroku's router (app.json sets FORWARDED_ALLOW_IPS=*)
# is the only way to reach a dyno, so there every peer is the router.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Workers touch a heartbeat file every second; in a container /tmp can sit on
# an overlay disk where that stalls, so keep it in memory where there is one.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
