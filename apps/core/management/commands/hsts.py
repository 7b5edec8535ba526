"""`manage.py hsts`: where the site stands in the staged HSTS rollout, and what comes next."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.http import HttpResponse
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory

UNITS = [("year", 31536000), ("day", 86400), ("hour", 3600), ("second", 1)]


def duration(seconds: int) -> str:
    """3600 -> '1 hour', 2592000 -> '30 days'."""
    for unit, size in UNITS:
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def header_as_sent() -> str | None:
    """Run a secure request through Django's own SecurityMiddleware and read the header."""
    middleware = SecurityMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/", secure=True, HTTP_X_FORWARDED_PROTO="https")
    response = middleware.process_response(request, HttpResponse())
    return response.headers.get("Strict-Transport-Security")


class Command(BaseCommand):
    help = "Show the Strict-Transport-Security header as it is sent, its stage and the next step."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.USE_SSL:
            self.stdout.write(
                "HSTS is off: USE_SSL is false, so the site does not claim HTTPS.\n"
                "Serve the site over HTTPS, set USE_SSL=true and start at HSTS_STAGE=hour."
            )
            return
        header = header_as_sent()
        self.stdout.write(f"Strict-Transport-Security: {header or '(not sent)'}")
        # The rollout order, one HSTS_STAGE value each; "off" is not a stage.
        stages = [(name, seconds) for name, seconds in settings.HSTS_STAGES.items() if seconds]
        names = [name for name, _ in stages]
        stage = settings.HSTS_STAGE
        if stage not in names:
            self.stdout.write(
                "Stage: off. Set HSTS_STAGE=hour to begin the rollout (docs/hsts.md)."
            )
            return
        index = names.index(stage)
        seconds = stages[index][1]
        self.stdout.write(f"Stage: {stage} ({duration(seconds)}), {index + 1} of {len(stages)}")
        if index + 1 == len(stages):
            self.stdout.write("Next: none. This is the longest stage; keep it.")
        else:
            next_name, next_seconds = stages[index + 1]
            self.stdout.write(f"Next: HSTS_STAGE={next_name} ({duration(next_seconds)})")
            self.stdout.write("Before you move on, check:")
            for line in self._checklist(duration(seconds), seconds):
                self.stdout.write(f"  - {line}")
        self._options_note()

    def _checklist(self, label: str, seconds: int) -> list[str]:
        items = [
            "every page and asset of this host loads over HTTPS with no mixed-content warning",
            "plain http:// requests get a 301 to https:// (SECURE_SSL_REDIRECT)",
            f"this stage has been live for at least {label} ({seconds} s), so every browser "
            "that saw it has met the current max-age without a problem",
        ]
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            items.append("every subdomain serves HTTPS: includeSubDomains is on")
        return items

    def _options_note(self) -> None:
        subdomains = "on" if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS else "off"
        preload = "on" if settings.SECURE_HSTS_PRELOAD else "off"
        self.stdout.write(
            f"includeSubDomains: {subdomains} (HSTS_INCLUDE_SUBDOMAINS); "
            f"preload: {preload} (HSTS_PRELOAD, one-way: read docs/hsts.md first)"
        )
