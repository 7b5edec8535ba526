from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Project-wide pieces: health probes, security headers and checks, error pages."""

    name = "apps.core"

    def ready(self) -> None:
        # Importing the modules registers their system checks.
        from apps.core import (  # noqa: F401
            checks,
            page_policy_checks,
            release_checks,
            service_checks,
        )
