"""The project's URLs plus the benchmark's planted pages."""

from django.urls import URLPattern, URLResolver

from config.urls import urlpatterns as project_urlpatterns
from proof.bench import page

urlpatterns: list[URLPattern | URLResolver] = [*page.urlpatterns, *project_urlpatterns]
