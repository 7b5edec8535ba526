"""The home page is the busiest page: its database work is counted, so it cannot creep up."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries
from pytest_django.fixtures import Settings


@pytest.mark.django_db
def test_the_home_page_needs_at_most_two_queries(
    client: Client,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    settings: Settings,
) -> None:
    # Hashed static names need the manifest that collectstatic writes; queries do not.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client.get("/")  # the first visit creates the counter row

    with django_assert_max_num_queries(2):
        response = client.get("/")

    assert response.status_code == HTTPStatus.OK
    assert b"2</strong> visits" in response.content
