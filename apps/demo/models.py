from django.db import models


class Message(models.Model):
    """One guestbook entry."""

    name = models.CharField(max_length=80)
    body = models.TextField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.name}: {self.body[:40]}"


class SiteCounter(models.Model):
    """The site's visit count: one row, incremented in the database."""

    visits = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.visits} visits"
