"""
URL configuration.

https://docs.djangoproject.com/en/5.2/topics/http/urls/
"""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("apps.core.urls")),
]

if apps.is_installed("apps.demo"):
    urlpatterns.append(path("", include("apps.demo.urls")))
