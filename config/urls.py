"""
URL configuration.

https://docs.djangoproject.com/en/5.2/topics/http/urls/
"""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path(settings.ADMIN_URL, admin.site.urls),
    # Before core, so the demo's home page is the one served at / while it exists.
    path("", include("apps.demo.urls")),  # the demo: `make remove-demo` deletes this line
    path("", include("apps.core.urls")),
]
