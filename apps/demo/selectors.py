"""Reads. Views call these; nothing here writes."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from apps.demo.models import Message


def message_list() -> QuerySet[Message]:
    """Guestbook entries, newest first."""
    return Message.objects.order_by("-created_at", "-id")


def message_page(*, number: int | str | None, per_page: int) -> Page[Message]:
    """One page of entries; a missing or out-of-range number gives the nearest page."""
    return Paginator(message_list(), per_page).get_page(number)
