"""Odd page numbers: a clear 400 or 404 from the API, a page from the guestbook; never a 500."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

# Superscript two, circled one, full-width one, Arabic-Indic three: digits to str.isdigit().
UNICODE_DIGITS = ["\u00b2", "\u2460", "\uff11", "\u0663"]
ODD_PAGES = [*UNICODE_DIGITS, "0", "-1", "+1", " 1", "1.0", "1e3", "9" * 5000, "", "x"]


@pytest.mark.parametrize("page", ODD_PAGES)
def test_the_api_answers_an_odd_page_number_with_400(client: Client, page: str) -> None:
    response = client.get("/api/messages/", {"page": page})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"error": "page must be a whole number of 1 or more"}


def test_the_api_answers_a_page_past_the_end_with_404(client: Client) -> None:
    response = client.get("/api/messages/", {"page": "999999999"})

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["error"] == "no such page"


@pytest.mark.parametrize("page", ODD_PAGES)
def test_the_guestbook_shows_a_page_for_an_odd_page_number(client: Client, page: str) -> None:
    response = client.get("/guestbook/", {"page": page})

    assert response.status_code == HTTPStatus.OK
    assert "Guestbook" in response.text
