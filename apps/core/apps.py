from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Project-wide pieces: health probes, security headers and checks, error pages."""

    name = "apps.core"

    def ready(self) -> None:
        # Importing the modules registers their system checks.
        from apps.core import checks, release_checks, service_checks, service_gate  # noqa: F401
