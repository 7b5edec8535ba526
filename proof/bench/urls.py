"""The proof site's URLs (the project's own among them) plus the benchmark's planted pages."""

from django.urls import URLPattern, URLResolver

from proof.bench import page
from proof.site.urls import urlpatterns as site_urlpatterns

urlpatterns: list[URLPattern | URLResolver] = [*page.urlpatterns, *site_urlpatterns]
