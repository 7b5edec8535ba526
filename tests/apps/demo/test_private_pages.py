"""The demo's pages carry a CSRF token and a nonce, so no shared cache may keep them."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/guestbook/"])
def test_a_page_with_a_form_is_private_and_never_stored(client: Client, path: str) -> None:
    response = client.get(path)

    assert "csrfmiddlewaretoken" in response.text
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_the_json_api_read_stays_cacheable_by_the_browser(client: Client) -> None:
    response = client.get("/api/messages/")

    assert "no-store" not in response.get("Cache-Control", "")
