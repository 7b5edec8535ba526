"""Writes. Views call these; nothing here knows about HTTP."""

from django.db import connection, transaction

from apps.demo.models import Message, SiteCounter
from apps.demo.tasks import guestbook_entry_notify_admins

COUNTER_ID = 1


def visit_record() -> int:
    """Count one visit and return the new total, in one atomic statement.

    The increment happens in the database, so concurrent requests never lose
    a visit, and RETURNING saves a second query. SQLite 3.35+ and PostgreSQL
    both understand it.
    """
    table = connection.ops.quote_name(SiteCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, visits) VALUES (%s, 1) "  # noqa: S608  (names from the model)
            f"ON CONFLICT (id) DO UPDATE SET visits = {table}.visits + 1 RETURNING visits",
            [COUNTER_ID],
        )
        row = cursor.fetchone()
    return int(row[0])


def message_create(*, name: str, body: str) -> Message:
    """Store a guestbook entry that has already been validated, and tell the admins.

    The mail is a task, enqueued once the entry is committed, so the worker
    never looks for a row that a rolled-back request never wrote.
    """
    message = Message.objects.create(name=name, body=body)
    transaction.on_commit(lambda: guestbook_entry_notify_admins.enqueue(message_id=message.pk))
    return message
