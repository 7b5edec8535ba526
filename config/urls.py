"""
URL configuration.

https://docs.djangoproject.com/en/5.2/topics/http/urls/
"""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django_otp.admin import OTPAdminSite

if settings.ADMIN_2FA:
    # django-otp's documented switch: the admin accepts only users who also gave a
    # code from a device `manage.py otp_enrol` set up (docs/security.md).
    admin.site.__class__ = OTPAdminSite

urlpatterns: list[URLPattern | URLResolver] = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("apps.core.urls")),
]

if apps.is_installed("apps.demo"):
    urlpatterns.append(path("", include("apps.demo.urls")))
