"""
Any input at all to the guestbook form and the JSON API: a 2xx, 3xx or 4xx, never a 5xx,
and an entry is stored exactly as it was validated.

In-process with Django's test client, so hypothesis can try many inputs in a few seconds.
"""

from __future__ import annotations

import json
from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pytest_django.fixtures import Settings

from apps.demo.models import Message

# One test client and one settings change serve all of a test's examples: neither carries
# anything from one example into the next that the assertions depend on.
bounded = settings(
    max_examples=60,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Every code point, surrogates included: JSON can carry them as \ud800 escapes. The sizes
# reach a little past the limits (80 for a name, 1000 for a message).
any_character = st.characters(exclude_categories=())
names = st.text(any_character, max_size=90)
bodies = st.text(any_character, max_size=1010)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | names,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)
api_payloads = (
    st.fixed_dictionaries({"name": names, "message": bodies})
    | st.fixed_dictionaries({"name": json_values, "message": json_values})
    | json_values
)


@pytest.fixture(autouse=True)
def plain_static_storage(settings: Settings) -> None:
    """Pages render {% static %} without the manifest that only collectstatic writes."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def latest_entry_or_none(count_before: int) -> Message | None:
    if Message.objects.count() == count_before:
        return None
    assert Message.objects.count() == count_before + 1
    return Message.objects.latest("id")


@pytest.mark.django_db
@bounded
@given(name=st.text(max_size=90), body=st.text(max_size=1010))
def test_any_guestbook_post_redirects_or_is_refused_and_stores_what_was_validated(
    client: Client, name: str, body: str
) -> None:
    before = Message.objects.count()

    response = client.post("/guestbook/", {"name": name, "body": body})

    entry = latest_entry_or_none(before)
    if response.status_code == HTTPStatus.FOUND:
        assert entry is not None
        assert (entry.name, entry.body) == (name.strip(), body.strip())
    else:
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert entry is None


@pytest.mark.django_db
@bounded
@given(payload=api_payloads)
@example(payload={"name": "\ud800", "message": "half a surrogate pair"})
def test_any_json_sent_to_the_api_is_created_or_refused_and_stores_what_was_validated(
    client: Client, payload: Any
) -> None:
    before = Message.objects.count()

    response = client.post("/api/messages/", json.dumps(payload), content_type="application/json")

    entry = latest_entry_or_none(before)
    if response.status_code == HTTPStatus.CREATED:
        assert entry is not None
        assert (entry.name, entry.body) == (payload["name"].strip(), payload["message"].strip())
        assert response.json()["id"] == entry.pk
    else:
        assert HTTPStatus.BAD_REQUEST <= response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
        assert entry is None


@pytest.mark.django_db
@bounded
@given(body=st.binary(max_size=400))
def test_any_bytes_sent_to_the_api_are_refused_without_a_server_error(
    client: Client, body: bytes
) -> None:
    before = Message.objects.count()

    response = client.post("/api/messages/", body, content_type="application/json")

    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    assert (response.status_code == HTTPStatus.CREATED) == (Message.objects.count() == before + 1)
