"""The project's URLs, unchanged, and the proof-only pages under proof/ and api/proof/."""

from django.urls import URLPattern, URLResolver, path

from config.urls import urlpatterns as project_urlpatterns
from proof.site import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("proof/form/", views.form_page, name="proof-form"),
    path("proof/csp-probe/", views.csp_probe, name="proof-csp-probe"),
    path("proof/count/", views.count, name="proof-count"),
    path("api/proof/notes/", views.api_notes, name="proof-api-notes"),
    *project_urlpatterns,
]
