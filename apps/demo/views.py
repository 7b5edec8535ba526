"""The demo's pages and its JSON API. Thin: validation in forms, work in services/selectors."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from django.contrib import messages
from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.json_body import BodyRefused, read_json
from apps.demo import selectors, services
from apps.demo.forms import MessageForm
from apps.demo.models import Message

# Messages per page in the guestbook and the API.
PAGE_SIZE = 20
# The largest JSON body the API reads.
MAX_BODY_BYTES = 16 * 1024


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {"visits": services.visit_record(), "form": MessageForm()}
    return render(request, "demo/home.html", context)


@require_http_methods(["GET", "POST"])
def guestbook(request: HttpRequest) -> HttpResponse:
    form = MessageForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.message_create(name=form.cleaned_data["name"], body=form.cleaned_data["body"])
        messages.success(request, "Thank you, your message is in the guestbook.")
        return redirect("demo:guestbook")
    page = selectors.message_page(number=request.GET.get("page"), per_page=PAGE_SIZE)
    status = HTTPStatus.BAD_REQUEST if form.is_bound else HTTPStatus.OK
    return render(request, "demo/guestbook.html", {"form": form, "page": page}, status=status)


@require_GET
def entries(request: HttpRequest) -> HttpResponse:
    """The guestbook's list alone: htmx swaps it into the page (docs/frontend.md)."""
    page = selectors.message_page(number=request.GET.get("page"), per_page=PAGE_SIZE)
    return render(request, "demo/_entries.html", {"page": page})


def _error(status: HTTPStatus, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _serialize(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "name": message.name,
        "message": message.body,
        "created_at": message.created_at.isoformat(),
    }


@require_http_methods(["GET", "POST"])
def api_messages(request: HttpRequest) -> JsonResponse:
    """GET: one page of messages, newest first. POST: create one from a JSON object."""
    if request.method == "POST":
        return _api_create(request)
    raw_page = request.GET.get("page", "1")
    # ASCII digits only: str.isdigit() also accepts "²" and "①", which int() refuses, and
    # a bounded length keeps int() from its limit on very long numbers.
    if not re.fullmatch(r"[0-9]{1,9}", raw_page) or int(raw_page) < 1:
        return _error(HTTPStatus.BAD_REQUEST, "page must be a whole number of 1 or more")
    paginator = Paginator(selectors.message_list(), PAGE_SIZE)
    try:
        page = paginator.page(int(raw_page))
    except EmptyPage:
        return _error(HTTPStatus.NOT_FOUND, "no such page", pages=paginator.num_pages)
    url = reverse("demo:api-messages")
    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": f"{url}?page={page.next_page_number()}" if page.has_next() else None,
            "previous": f"{url}?page={page.previous_page_number()}"
            if page.has_previous()
            else None,
            "results": [_serialize(message) for message in page],
        }
    )


def _api_create(request: HttpRequest) -> JsonResponse:
    try:
        payload = read_json(request, media_types={"application/json"}, max_bytes=MAX_BODY_BYTES)
    except BodyRefused as refused:
        return _error(refused.status, refused.message)
    if not isinstance(payload, dict):
        return _error(
            HTTPStatus.BAD_REQUEST, 'send a JSON object like {"name": ..., "message": ...}'
        )
    fields = {"name": payload.get("name"), "body": payload.get("message")}
    if not all(isinstance(value, str) for value in fields.values()):
        return _error(HTTPStatus.BAD_REQUEST, "name and message must both be strings")
    form = MessageForm(fields)
    if not form.is_valid():
        errors = {
            ("message" if key == "body" else key): value for key, value in form.errors.items()
        }
        return _error(HTTPStatus.BAD_REQUEST, "the message is not valid", fields=errors)
    message = services.message_create(
        name=form.cleaned_data["name"], body=form.cleaned_data["body"]
    )
    return JsonResponse(_serialize(message), status=HTTPStatus.CREATED)
