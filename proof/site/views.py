"""The proof site's pages: what the proofs need from a real product, and nothing more."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import engines
from django.views.decorators.http import require_GET, require_http_methods

from proof.site.forms import NoteForm
from proof.site.models import Counter, Note

LISTED = 20
COUNTER_ID = 1

# One inline script carries the response's nonce, the other stands for an injected one:
# the policy must let the first run and block the second.
PROBE = engines["django"].from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CSP probe</title>
<script nonce="{{ request.csp_nonce }}">window.nonced = true;</script>
<script>window.injected = true;</script>
</head><body><p>probe</p></body></html>"""
)


@require_http_methods(["GET", "POST"])
def form_page(request: HttpRequest) -> HttpResponse:
    """A form with a CSRF token and a nonce'd script with SRI; lists what was stored, escaped."""
    form = NoteForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        form.save()
        return redirect("proof-form")
    status = HTTPStatus.BAD_REQUEST if form.is_bound else HTTPStatus.OK
    notes = Note.objects.all()[:LISTED]
    return render(request, "proof_site/form.html", {"form": form, "notes": notes}, status=status)


@require_GET
def csp_probe(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PROBE.render(request=request))


@require_GET
def count(request: HttpRequest) -> HttpResponse:
    """One database write per request: the count goes up by one, atomically."""
    with transaction.atomic():
        # The migration creates the row; a test database that was flushed has none.
        if not Counter.objects.filter(pk=COUNTER_ID).update(hits=F("hits") + 1):
            Counter.objects.create(pk=COUNTER_ID, hits=1)
        # The row stays locked until commit, so this reads this request's own increment.
        hits = Counter.objects.get(pk=COUNTER_ID).hits
    return HttpResponse(f"{hits}", content_type="text/plain")


def _serialize(note: Note) -> dict[str, Any]:
    return {"id": note.pk, "text": note.text, "created_at": note.created_at.isoformat()}


def _error(status: HTTPStatus, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_http_methods(["GET", "POST"])
def api_notes(request: HttpRequest) -> JsonResponse:
    """GET: the latest notes. POST: create one from {"text": ...}, with the site's CSRF token."""
    if request.method == "GET":
        return JsonResponse({"results": [_serialize(n) for n in Note.objects.all()[:LISTED]]})
    if request.content_type != "application/json":
        return _error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send application/json")
    try:
        # request.body refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE with a 400.
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _error(HTTPStatus.BAD_REQUEST, "the body is not valid JSON")
    if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
        return _error(HTTPStatus.BAD_REQUEST, 'send a JSON object like {"text": "..."}')
    form = NoteForm({"text": payload["text"]})
    if not form.is_valid():
        return _error(HTTPStatus.BAD_REQUEST, "the text is not valid")
    return JsonResponse(_serialize(form.save()), status=HTTPStatus.CREATED)
