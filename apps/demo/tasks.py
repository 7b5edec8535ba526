"""The demo's background work: django-tasks runs these in the worker (or in the request)."""

from __future__ import annotations

from django.core.mail import mail_admins
from django_tasks import task

from apps.demo.models import Message


@task()
def guestbook_entry_notify_admins(*, message_id: int) -> None:
    """Mail ADMINS about a new guestbook entry. A deleted entry is nothing to report."""
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        return
    # A subject is one header line: a name cannot break it into two.
    name = " ".join(message.name.split())
    written = f"{message.created_at:%Y-%m-%d %H:%M} UTC"
    mail_admins(
        subject=f"New guestbook entry from {name}",
        message=f"{name} wrote on {written}:\n\n{message.body}",
    )
