"""The home page, health probes, the CSP report endpoint and the friendly CSRF failure page."""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from apps.core.clients import client_ip
from apps.core.json_body import BodyRefused, read_json
from apps.core.ratelimit import retry_after

logger = logging.getLogger(__name__)

# Readiness probes run here so a hung database cannot hold the request past
# its deadline. One thread, keeping one connection for reuse as request threads
# do: each worker process adds one connection to the budget (docs/heroku.md).
_probe_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="readyz")

CSP_REPORT_TYPES = {"application/csp-report", "application/reports+json", "application/json"}
CSP_REPORT_FIELDS = (
    "document-uri",
    "blocked-uri",
    "violated-directive",
    "effective-directive",
    "disposition",
    "source-file",
    "line-number",
    "status-code",
)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up. Touches nothing else, so a database outage never restarts it."""
    return HttpResponse("ok", content_type="text/plain")


def _database_round_trip() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    # What Django does around each request: drop a connection that is past
    # CONN_MAX_AGE or fails its health check, so the probe reuses a live one.
    connection.close_if_unusable_or_obsolete()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        connection.close()
        raise


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """The app can serve: the database answers a query within the deadline."""
    future = _probe_pool.submit(_database_round_trip)
    try:
        future.result(timeout=settings.READINESS_TIMEOUT_SECONDS)
    except FutureTimeout:
        return JsonResponse(
            {"status": "unavailable", "database": "timeout"}, status=HTTPStatus.SERVICE_UNAVAILABLE
        )
    except Exception:
        logger.warning("readiness probe: database unreachable", exc_info=True)
        return JsonResponse(
            {"status": "unavailable", "database": "error"}, status=HTTPStatus.SERVICE_UNAVAILABLE
        )
    return JsonResponse({"status": "ok", "database": "ok"})


def _violations(payload: Any) -> list[dict[str, Any]]:
    """Both report shapes: report-uri's {"csp-report": {...}} and the Reporting API's list."""
    if isinstance(payload, dict) and isinstance(payload.get("csp-report"), dict):
        return [payload["csp-report"]]
    if isinstance(payload, list):
        bodies = []
        for report in payload:
            if isinstance(report, dict) and report.get("type") == "csp-violation":
                body = report.get("body")
                if isinstance(body, dict):
                    # The Reporting API writes camelCase keys; log them as report-uri does.
                    bodies.append({**_kebab(body), "document-uri": body.get("documentURL", "")})
        return bodies
    return []


def _kebab(body: dict[str, Any]) -> dict[str, Any]:
    # The Reporting API has no violated-directive; its effective directive is the one.
    names = {
        "blockedURL": "blocked-uri",
        "effectiveDirective": "effective-directive",
        "disposition": "disposition",
        "sourceFile": "source-file",
        "lineNumber": "line-number",
        "statusCode": "status-code",
    }
    fields = {names[key]: value for key, value in body.items() if key in names}
    fields.setdefault("violated-directive", body.get("effectiveDirective", ""))
    return fields


def _about_this_site(violation: dict[str, Any], request: HttpRequest) -> bool:
    """A report counts only for a page of the host it was sent to; others are forged."""
    host = urlsplit(str(violation.get("document-uri", ""))).hostname
    return host is not None and host == urlsplit(f"//{request.get_host()}").hostname


@csrf_exempt  # browsers send reports without cookies or tokens
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log each CSP violation a browser reports as one structured line.

    Anyone can post here, so each client may send CSP_REPORTS_PER_MINUTE requests a
    minute (429 after that), a request logs at most CSP_REPORTS_PER_REQUEST reports, and
    reports about pages of other sites are dropped unlogged.
    """
    wait = retry_after("csp-report", client_ip(request), limit=settings.CSP_REPORTS_PER_MINUTE)
    if wait is not None:
        response = HttpResponse(status=HTTPStatus.TOO_MANY_REQUESTS)
        response["Retry-After"] = str(wait)
        return response
    try:
        payload = read_json(
            request, media_types=CSP_REPORT_TYPES, max_bytes=settings.CSP_REPORT_MAX_BYTES
        )
    except BodyRefused as refused:
        return HttpResponse(status=refused.status)
    violations = _violations(payload)
    if not violations:
        return HttpResponse(status=HTTPStatus.BAD_REQUEST)
    accepted = [violation for violation in violations if _about_this_site(violation, request)]
    for violation in accepted[: settings.CSP_REPORTS_PER_REQUEST]:
        fields = {name: str(violation.get(name, ""))[:512] for name in CSP_REPORT_FIELDS}
        logger.warning("csp-violation %s", json.dumps(fields, sort_keys=True))
    return HttpResponse(status=HTTPStatus.NO_CONTENT)


@require_GET
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico on pages without an icon link, such as the API's JSON."""
    return HttpResponseRedirect(static("core/favicon.svg"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A friendly 403 for a failed CSRF check; Django logs the technical reason.

    JSON clients get JSON: an HTML page is no use to a script.
    """
    if request.path.startswith("/api/") or request.content_type == "application/json":
        return JsonResponse(
            {"error": "CSRF check failed: send the page's CSRF token in the X-CSRFToken header"},
            status=HTTPStatus.FORBIDDEN,
        )
    return render(request, "403_csrf.html", status=HTTPStatus.FORBIDDEN)
