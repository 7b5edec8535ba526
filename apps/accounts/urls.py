"""The accounts pages: django-allauth's sign-up, sign-in, e-mail, password, second factors
and sessions. Social sign-in is not installed (docs/security.md#social-sign-in)."""

from django.urls import include, path

urlpatterns = [
    path("", include("allauth.urls")),
]
