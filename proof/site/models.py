from typing import ClassVar

from django.db import models


class Note(models.Model):
    """A line of text someone submitted, through the form or the API."""

    text = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    # Declared, as type checkers read the project's settings, where this app is not installed.
    objects: ClassVar[models.Manager["Note"]] = models.Manager()

    class Meta:
        ordering = ("-id",)

    def __str__(self) -> str:
        return self.text[:40]


class Counter(models.Model):
    """One row, incremented by every request to the counter page."""

    hits = models.BigIntegerField(default=0)

    objects: ClassVar[models.Manager["Counter"]] = models.Manager()

    def __str__(self) -> str:
        return f"{self.hits} hits"
