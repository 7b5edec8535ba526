from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Who may sign in: the user model, accounts through django-allauth, the admin's door."""

    name = "apps.accounts"

    def ready(self) -> None:
        # Importing the module registers its deploy checks.
        from apps.accounts import checks  # noqa: F401
