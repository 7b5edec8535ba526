"""
URL configuration.

https://docs.djangoproject.com/en/5.2/topics/http/urls/
"""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    # Before the admin's own URLs, whose catch-all would answer them with a 404.
    path(settings.ADMIN_URL, include("apps.accounts.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("apps.core.urls")),
]

if apps.is_installed("apps.demo"):
    urlpatterns.append(path("", include("apps.demo.urls")))
