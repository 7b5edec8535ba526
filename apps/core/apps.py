from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Project-wide pieces: health probes, security headers and checks, error pages."""

    name = "apps.core"

    def ready(self) -> None:
        from apps.core import checks, release_checks  # noqa: F401  (registers the system checks)
