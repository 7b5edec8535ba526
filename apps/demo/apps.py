from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The showcase: a visit counter, a guestbook and a JSON API. Delete with `make remove-demo`."""

    name = "apps.demo"
    verbose_name = "Demo"
