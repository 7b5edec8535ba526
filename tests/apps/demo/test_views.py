"""The demo's pages and JSON API, through Django's test client."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from apps.demo import views
from apps.demo.models import Message

pytestmark = pytest.mark.django_db

API = "/api/messages/"


def post_json(client: Client, payload: object) -> dict[str, object]:
    response = client.post(API, data=json.dumps(payload), content_type="application/json")
    return {"status": response.status_code, "body": response.json()}


def test_home_page_greets_the_visitor_and_counts_each_visit(client: Client) -> None:
    first = client.get("/")
    second = client.get("/")

    assert first.status_code == HTTPStatus.OK
    assert "Hello, visitor!" in first.text
    assert first.context["visits"] == 1
    assert second.context["visits"] == 2
    assert '<strong class="visits">2</strong> visits' in second.text


def test_home_page_needs_at_most_two_queries(
    client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(2):
        client.get("/")


def test_guestbook_lists_entries_newest_first(client: Client) -> None:
    Message.objects.create(name="Ada", body="first")
    Message.objects.create(name="Grace", body="second")

    response = client.get(reverse("demo:guestbook"))

    assert response.status_code == HTTPStatus.OK
    assert response.text.index("second") < response.text.index("first")


def test_the_entries_fragment_htmx_swaps_in_is_the_list_alone_and_escaped(client: Client) -> None:
    Message.objects.create(name="Ada", body="<script>alert(1)</script>")

    response = client.get(reverse("demo:entries"))

    assert response.status_code == HTTPStatus.OK
    assert response.text.lstrip().startswith('<div id="entries">')
    assert "<html" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_the_guestbook_refreshes_its_list_with_htmx_loaded_with_integrity(client: Client) -> None:
    response = client.get(reverse("demo:guestbook"))

    assert f'hx-get="{reverse("demo:entries")}"' in response.text
    assert 'name="htmx-config"' in response.text
    assert '"allowScriptTags": false' in response.text
    assert 'src="/static/core/vendor/htmx-2.0.11.min.' in response.text


def test_guestbook_post_stores_the_entry_and_redirects_back(client: Client) -> None:
    response = client.post(
        reverse("demo:guestbook"), {"name": "Ada", "body": "Hello!"}, follow=True
    )

    assert response.redirect_chain == [(reverse("demo:guestbook"), HTTPStatus.FOUND)]
    assert "your message is in the guestbook" in response.text
    assert list(Message.objects.values_list("name", "body")) == [("Ada", "Hello!")]


def test_guestbook_renders_a_script_payload_as_text(client: Client) -> None:
    Message.objects.create(name="<b>Mallory</b>", body="<script>alert(1)</script>")

    response = client.get(reverse("demo:guestbook"))

    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in response.text


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": "", "body": "hi"}, "This field is required."),
        ({"name": "   ", "body": "hi"}, "This field is required."),
        ({"name": "Ada", "body": "x" * 1001}, "at most 1000 characters"),
        ({"name": "A" * 81, "body": "hi"}, "at most 80 characters"),
        ({"name": "Ada", "body": "bell\x07"}, "Control characters are not allowed."),
    ],
)
def test_guestbook_rejects_invalid_entries_with_a_message(
    client: Client, data: dict[str, str], error: str
) -> None:
    response = client.post(reverse("demo:guestbook"), data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error in response.text
    assert not Message.objects.exists()


def test_guestbook_form_refuses_a_post_without_a_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("demo:guestbook"), {"name": "Ada", "body": "Hello"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Your form expired" in response.text
    assert not Message.objects.exists()


def test_guestbook_form_carries_a_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("demo:guestbook"))
    token = page.context["csrf_token"]

    response = client.post(
        reverse("demo:guestbook"), {"name": "Ada", "body": "Hello", "csrfmiddlewaretoken": token}
    )

    assert 'name="csrfmiddlewaretoken"' in page.text
    assert response.status_code == HTTPStatus.FOUND
    assert Message.objects.count() == 1


def test_api_lists_messages_newest_first_in_pages(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for number in range(5):
        Message.objects.create(name=f"n{number}", body=f"m{number}")

    first = client.get(API).json()
    last = client.get(API, {"page": 3}).json()

    assert (first["count"], first["pages"], first["page"]) == (5, 3, 1)
    assert [item["message"] for item in first["results"]] == ["m4", "m3"]
    assert first["next"] == f"{API}?page=2"
    assert first["previous"] is None
    assert [item["message"] for item in last["results"]] == ["m0"]
    assert last["next"] is None


@pytest.mark.parametrize("page", ["0", "-1", "two", "1.5"])
def test_api_rejects_a_malformed_page_number(client: Client, page: str) -> None:
    response = client.get(API, {"page": page})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "page" in response.json()["error"]


def test_api_answers_404_past_the_last_page(client: Client) -> None:
    response = client.get(API, {"page": 9})

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json() == {"error": "no such page", "pages": 1}


def test_api_creates_a_message_from_json(client: Client) -> None:
    result = post_json(client, {"name": " Ada ", "message": "Hello from the API"})

    assert result["status"] == HTTPStatus.CREATED
    body = result["body"]
    assert isinstance(body, dict)
    assert (body["name"], body["message"]) == ("Ada", "Hello from the API")
    assert Message.objects.get().body == "Hello from the API"


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        (["not", "an", "object"], "JSON object"),
        ({"name": "Ada"}, "must both be strings"),
        ({"name": 1, "message": "x"}, "must both be strings"),
        ({"name": "Ada", "message": ""}, "not valid"),
        ({"name": "Ada", "message": "x" * 1001}, "not valid"),
    ],
)
def test_api_rejects_invalid_messages_with_a_clear_error(
    client: Client, payload: object, error: str
) -> None:
    result = post_json(client, payload)

    assert result["status"] == HTTPStatus.BAD_REQUEST
    assert error in str(result["body"])
    assert not Message.objects.exists()


def test_api_names_the_invalid_field(client: Client) -> None:
    result = post_json(client, {"name": "Ada", "message": "  "})

    body = result["body"]
    assert isinstance(body, dict)
    assert body["fields"] == {"message": ["This field is required."]}


def test_api_rejects_malformed_json(client: Client) -> None:
    response = client.post(API, data="{'name': 'Ada'", content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"error": "the body is not valid JSON"}


def test_api_rejects_deeply_nested_json(client: Client) -> None:
    response = client.post(API, data="[" * 5000 + "]" * 5000, content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_api_rejects_an_oversized_body(client: Client) -> None:
    payload = json.dumps({"name": "Ada", "message": "x" * 20_000})

    response = client.post(API, data=payload, content_type="application/json")

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert "at most 16384 bytes" in response.json()["error"]
    assert not Message.objects.exists()


def test_api_rejects_other_content_types(client: Client) -> None:
    response = client.post(API, {"name": "Ada", "message": "form-encoded"})

    assert response.status_code == HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    assert not Message.objects.exists()


def test_api_refuses_a_post_without_a_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(API, data="{}", content_type="application/json")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "X-CSRFToken" in response.json()["error"]


def test_api_accepts_a_post_with_the_pages_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    token = str(client.get(reverse("demo:guestbook")).context["csrf_token"])

    response = client.post(
        API,
        data=json.dumps({"name": "Ada", "message": "Hi"}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert response.status_code == HTTPStatus.CREATED


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_api_refuses_methods_it_does_not_allow(client: Client, method: str) -> None:
    response = getattr(client, method)(API)

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
