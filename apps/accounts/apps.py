from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The project's own user model, in place from the first migration."""

    name = "apps.accounts"
