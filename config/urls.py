"""
URL configuration.

https://docs.djangoproject.com/en/5.2/topics/http/urls/
"""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
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
