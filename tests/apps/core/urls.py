"""A test-only URLconf: the project's URLs plus a view that fails, for the 500 page."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internal detail: connection string postgres://u:pw@db")


urlpatterns = [path("broken/", broken), *project_urlpatterns]
