"""apps/core/json_body.py: a JSON body is read only when it is typed, framed and small."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import RequestFactory

from apps.core.json_body import BodyRefused, read_json

TYPES = {"application/json"}


def refusal(
    body: bytes = b"{}", content_type: str = "application/json", length: str | None = None
) -> object:
    request = RequestFactory().post("/api/", data=body, content_type=content_type)
    if length is not None:
        request.META["CONTENT_LENGTH"] = length
    with pytest.raises(BodyRefused) as refused:
        read_json(request, media_types=TYPES, max_bytes=100)
    return refused.value.status


def test_a_small_json_body_is_read() -> None:
    request = RequestFactory().post("/api/", data=b'{"a": [1]}', content_type="application/json")

    assert read_json(request, media_types=TYPES, max_bytes=100) == {"a": [1]}


def test_another_media_type_is_refused_before_the_body_is_read() -> None:
    assert refusal(content_type="text/plain") == HTTPStatus.UNSUPPORTED_MEDIA_TYPE


@pytest.mark.parametrize("length", ["", "-1", "1e3", "\u00b2", " 2"])
def test_a_length_that_is_not_ascii_digits_is_refused_as_missing(length: str) -> None:
    assert refusal(length=length) == HTTPStatus.LENGTH_REQUIRED


@pytest.mark.parametrize("length", ["101", "9" * 5000, "0" * 5000 + "101"])
def test_a_length_above_the_limit_is_refused_however_many_digits_it_has(length: str) -> None:
    assert refusal(length=length) == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


def test_leading_zeros_do_not_make_a_small_body_large() -> None:
    request = RequestFactory().post("/api/", data=b"[]", content_type="application/json")
    request.META["CONTENT_LENGTH"] = "0" * 50 + "2"

    assert read_json(request, media_types=TYPES, max_bytes=100) == []


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"   "])
def test_a_body_that_is_not_json_is_a_bad_request(body: bytes) -> None:
    assert refusal(body=body) == HTTPStatus.BAD_REQUEST
