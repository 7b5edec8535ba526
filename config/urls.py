"""
URL configuration.

https://docs.djangoproject.com/en/5.2/topics/http/urls/
"""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path(settings.ADMIN_URL, admin.site.urls),
    # The demo [demo] comes before core, so its home page is the one served at /.
    path("", include("apps.demo.urls")),  # [demo]
    path("", include("apps.core.urls")),
]
