from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Project-wide pieces: health probes, security headers and checks, error pages."""

    name = "apps.core"

    def ready(self) -> None:
        # Importing the package registers the system checks of every module in it.
        from apps.core import checks  # noqa: F401
