"""The project's URLs plus a page that waits on PostgreSQL, as a page with slow queries does."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from config.urls import urlpatterns as project_urlpatterns

# How long the page's one query keeps the database busy.
WAIT_SECONDS = 0.02


def wait_on_database(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [WAIT_SECONDS])
    return HttpResponse("waited", content_type="text/plain")


urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/wait-on-database", wait_on_database),
    *project_urlpatterns,
]
