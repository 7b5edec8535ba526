"""
URL configuration.

https://docs.djangoproject.com/en/5.2/topics/http/urls/
"""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from apps.core import views as core_views

urlpatterns: list[URLPattern | URLResolver] = [
    # First: the platform probes them every few seconds, and each pattern tried
    # before a match costs the probe (the admin's and the demo's included URLs).
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    # Sign-up, sign-in, second factors and sessions, for the site and the admin alike.
    path("accounts/", include("apps.accounts.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    # The demo [demo] comes before core, so its home page is the one served at /.
    path("", include("apps.demo.urls")),  # [demo]
    path("", include("apps.core.urls")),
]

# Uploads in media/ during development; static() adds nothing with DEBUG off,
# and production keeps uploads in a bucket that serves its own signed links.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
