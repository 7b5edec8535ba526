"""`{% script %}`: script tags with the page's CSP nonce and Subresource Integrity."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client, RequestFactory
from pytest_django import Settings

from apps.core.templatetags.sri import file_integrity as integrity


def sha384(file: Path) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(file.read_bytes()).digest()).decode()


def test_the_integrity_is_that_of_the_collected_file_the_browser_receives() -> None:
    collected = Path(settings.STATIC_ROOT).glob("admin/js/theme.*.js")
    served = next(file for file in collected if re.fullmatch(r"theme\.[0-9a-f]{12}\.js", file.name))

    assert integrity("admin/js/theme.js") == sha384(served)


def test_in_development_the_integrity_follows_the_source_file(settings: Settings) -> None:
    settings.DEBUG = True
    source = finders.find("admin/js/theme.js")

    assert isinstance(source, str)
    assert integrity("admin/js/theme.js") == sha384(Path(source))


def test_the_tag_renders_src_integrity_nonce_and_defer() -> None:
    request = RequestFactory().get("/")
    request.csp_nonce = "abc123"  # type: ignore[attr-defined]

    html = Template('{% load sri %}{% script "admin/js/theme.js" %}').render(
        Context({"request": request})
    )

    assert re.fullmatch(
        r'<script src="/static/admin/js/theme\.[0-9a-f]{12}\.js" '
        r'integrity="sha384-[A-Za-z0-9+/=]{64}" nonce="abc123" defer></script>',
        html,
    )


@pytest.mark.django_db
def test_the_admin_loads_its_script_with_integrity_and_the_nonce(client: Client) -> None:
    client.force_login(get_user_model().objects.create_superuser("admin", "a@example.com", "x"))
    response = client.get("/admin/")

    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    tag = re.search(r'<script src="/static/admin/js/theme\.[^"]+"[^>]*>', response.text)
    assert tag is not None
    assert f'integrity="{integrity("admin/js/theme.js")}"' in tag.group(0)
    assert f'nonce="{nonce}"' in tag.group(0)
    assert "defer" not in tag.group(0)


WIDGET_JS = "https://js.pay.example/v3/widget.js"
PIN = "sha384-" + "A" * 64


def render(source: str) -> str:
    request = RequestFactory().get("/")
    request.csp_nonce = "abc123"  # type: ignore[attr-defined]
    return Template("{% load sri %}" + source).render(Context({"request": request}))


def test_a_script_from_another_origin_carries_its_pinned_hash_and_a_cors_fetch() -> None:
    html = render(f'{{% script "{WIDGET_JS}" integrity="{PIN}" %}}')

    assert html == (
        f'<script src="{WIDGET_JS}" integrity="{PIN}" nonce="abc123" '
        'crossorigin="anonymous" defer></script>'
    )


@pytest.mark.parametrize(
    "source",
    [
        f'{{% script "{WIDGET_JS}" %}}',
        f'{{% script "{WIDGET_JS}" integrity="md5-abc" %}}',
        f'{{% script "http://js.pay.example/widget.js" integrity="{PIN}" %}}',
        f'{{% script "//js.pay.example/widget.js" integrity="{PIN}" %}}',
    ],
)
def test_a_script_from_another_origin_without_a_pin_or_https_is_refused(source: str) -> None:
    with pytest.raises(TemplateSyntaxError):
        render(source)


VENDORED = Path(settings.BASE_DIR) / "apps" / "core" / "vendored.json"


@pytest.mark.parametrize("path", sorted(json.loads(VENDORED.read_text())))
def test_a_vendored_file_is_the_one_pinned_in_the_manifest(path: str, settings: Settings) -> None:
    settings.DEBUG = True
    pinned = json.loads(VENDORED.read_text())[path]
    source = finders.find(path)

    assert isinstance(source, str)
    assert pinned["version"] in Path(source).name
    assert sha384(Path(source)) == pinned["sha384"] == integrity(path)
