"""A task for the worker proofs: it takes a while, then writes a row that shows it ran."""

from __future__ import annotations

import time

from django.db import connection
from django_tasks import task

# Created by the test in its throwaway database.
MARKS_TABLE = "proof_marks"


@task()
def mark(*, label: str, seconds: float) -> str:
    time.sleep(seconds)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {MARKS_TABLE} (label) VALUES (%s)", [label])  # noqa: S608
    return label
