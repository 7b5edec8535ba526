"""Error reports that no visitor can trigger at will and that never hold a request.

Django mails every ERROR record of its loggers to ADMINS, inside the request and under
the handler's lock. Two things follow from that, both turned off here:

- A request that Django refuses as suspicious (a Host outside ALLOWED_HOSTS, too many
  fields, too large a body) is logged at ERROR with its traceback, so anyone could
  make the site send one mail and one Sentry event per request. Such a record becomes
  one warning line without a traceback (`OneLineWarning`), and its logger reaches
  neither the mail handler (settings.LOGGING) nor Sentry (apps/core/observability.py).
- A stalled mail server held the request that failed, and every request that logged an
  error after it. The mail is now written in the request, at most ERROR_MAILS_PER_KIND
  times an hour for one kind of error, and sent from a thread of its own.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import re
import threading
import time
import traceback
from collections.abc import Callable
from functools import partial
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.log import AdminEmailHandler
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from apps.core.scrub import MASK, SECRET_NAMES, scrub

logger = logging.getLogger("bastion.reporting")

SUSPICIOUS_LOGGER = "django.security"


class OneLineWarning(logging.Filter):
    """A handler filter: the record as a warning, without its traceback.

    What a refused request did is said by the message (the exception's text); its
    traceback is Django's own code, the same every time, and formatting it is the
    costliest part of the record. The record is copied: other handlers see the original.
    """

    # Since Python 3.12 a filter may return the record to handle instead; the stubs
    # still say bool.
    def filter(self, record: logging.LogRecord) -> logging.LogRecord:  # type: ignore[override]
        copy = logging.makeLogRecord(record.__dict__)
        copy.levelno, copy.levelname = logging.WARNING, "WARNING"
        copy.exc_info, copy.exc_text, copy.stack_info = None, None, None
        return copy


def is_suspicious_request(logger_name: str | None) -> bool:
    return bool(logger_name) and (
        logger_name == SUSPICIOUS_LOGGER or str(logger_name).startswith(SUSPICIOUS_LOGGER + ".")
    )


def error_kind(record: logging.LogRecord) -> str:
    """What makes two errors "the same kind": the exception's type and where it was raised.

    Without an exception, the logger and the line that logged it. The request's path and
    the exception's text are left out, so a visitor cannot make each report new.
    """
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        frames = traceback.extract_tb(error.__traceback__)
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "-"
        return f"{type(error).__module__}.{type(error).__qualname__} at {where}"
    return f"{record.name} at {record.pathname}:{record.lineno}"


class RateLimit:
    """At most `limit` events of one kind in any `window` seconds, in this process."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self._seen: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def allow(self, kind: str) -> bool:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._seen.get(kind, []) if now - t < self.window]
            allowed = len(recent) < self.limit
            if allowed:
                recent.append(now)
            self._seen[kind] = recent
            # Old kinds are forgotten, so the table cannot grow without end.
            if len(self._seen) > 1000:
                self._seen = {
                    k: v for k, v in self._seen.items() if v and now - v[-1] < self.window
                }
            return allowed


class Outbox:
    """Mails waiting for the sending thread; when it is full, a new one is dropped.

    Error mail goes through it, and so does account mail while tasks run in the request
    (TASKS_BACKEND=immediate): a stalled mail server then holds no request either way.

    The thread is started on the first mail of each process: gunicorn forks its workers
    from a preloaded app, and a thread does not survive a fork.
    """

    def __init__(self, size: int) -> None:
        self._queue: queue.Queue[Callable[[], object]] = queue.Queue(maxsize=size)
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def put(self, send: Callable[[], object]) -> bool:
        """Hand `send` (one mail's sending) to the thread; False when too many wait."""
        self._ensure_thread()
        try:
            self._queue.put_nowait(send)
        except queue.Full:
            return False
        return True

    def join(self) -> None:
        """Wait until every mail put so far was handed to the server (or failed)."""
        self._queue.join()

    def drain(self, timeout: float) -> None:
        """At exit: give the mails still waiting this long to go, then let them go."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.05)

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._pid == os.getpid() and self._thread and self._thread.is_alive():
                return
            self._pid = os.getpid()
            self._queue = queue.Queue(maxsize=self._queue.maxsize)
            self._thread = threading.Thread(target=self._send_forever, name="mail", daemon=True)
            self._thread.start()
            # A worker that stops (a deploy, a restart) sends what it has first, briefly:
            # the platform kills it 30 s after asking it to stop.
            atexit.register(self.drain, timeout=EXIT_GRACE_SECONDS)

    def _send_forever(self) -> None:
        mails = self._queue
        while True:
            send = mails.get()
            try:
                send()
            except Exception:
                # A server that fails must not end the thread, nor reach a visitor.
                logger.warning("Mail not sent", exc_info=True)
            finally:
                mails.task_done()


EXIT_GRACE_SECONDS = 5
OUTBOX = Outbox(size=50)


class BackgroundAdminEmailHandler(AdminEmailHandler):
    """Django's AdminEmailHandler, limited per kind of error and sent off the request path.

    `send_mail` is the hook Django documents for changing how the mail is sent.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit = RateLimit(settings.ERROR_MAILS_PER_KIND, settings.ERROR_MAIL_WINDOW_SECONDS)

    def emit(self, record: logging.LogRecord) -> None:
        if is_suspicious_request(record.name) or not self.limit.allow(error_kind(record)):
            return
        try:
            super().emit(record)
        except Exception:
            # A report that cannot be written must not turn into the request's failure.
            self.handleError(record)

    def send_mail(self, subject: Any, message: Any, *args: Any, **kwargs: Any) -> None:
        # The last pass of the one scrubber over all the mail says, whatever wrote it.
        kwargs = {**kwargs, "html_message": _scrub_optional(kwargs.get("html_message"))}
        send = partial(
            AdminEmailHandler.send_mail,
            self,
            scrub(str(subject)),
            scrub(str(message)),
            *args,
            **kwargs,
        )
        if not OUTBOX.put(send):
            logger.warning("Error mail dropped: too many waiting to be sent")


def _scrub_optional(text: str | None) -> str | None:
    return scrub(text) if text else text


class ReporterFilter(SafeExceptionReporterFilter):
    """Django's filter for error reports (DEFAULT_EXCEPTION_REPORTER_FILTER), with the
    project's denylist: secret-looking names hidden, and URLs, secret-looking parameters and
    addresses masked in every value shown (a cache's LOCATION, the Referer, the POST).
    """

    hidden_settings = re.compile(
        f"{SafeExceptionReporterFilter.hidden_settings.pattern}|{SECRET_NAMES.pattern}",
        re.IGNORECASE,
    )

    def cleanse_setting(self, key: Any, value: Any) -> Any:
        cleansed = super().cleanse_setting(key, value)
        # type(), not isinstance(): a lazy object (a setting not yet evaluated) passes as str.
        return scrub(cleansed) if type(cleansed) is str else cleansed

    def get_safe_request_meta(self, request: HttpRequest) -> dict[str, Any]:
        return {
            key: scrub(value) if isinstance(value, str) else value
            for key, value in super().get_safe_request_meta(request).items()
        }

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        return _masked_items(super().get_post_parameters(request).items())


def _masked_items(items: Any) -> dict[str, Any]:
    return {
        key: MASK if SECRET_NAMES.search(key) else scrub(value) if type(value) is str else value
        for key, value in items
    }


class Reporter(ExceptionReporter):
    """Django's report (DEFAULT_EXCEPTION_REPORTER), with the query string scrubbed too.

    Django shows GET parameters and the full URL as they came. A query too long to parse
    (TooManyFieldsSent) is left out instead of raising again inside the report.
    """

    def get_traceback_data(self) -> dict[str, Any]:
        data: dict[str, Any] = super().get_traceback_data()
        if self.request is not None:
            data["request_GET_items"] = _query_items(self.request)
            data["request_insecure_uri"] = scrub(str(data.get("request_insecure_uri", "")))
        return data


def _query_items(request: HttpRequest) -> list[tuple[str, Any]]:
    try:
        return list(_masked_items(request.GET.lists()).items())
    except Exception:
        return [("(query string)", "not parsed")]
