"""
Uploads in an S3-compatible bucket: moto's standalone S3 server on a free loopback port,
Django's default storage exactly as config/settings.py builds it from AWS_* variables.

moto refuses a request without a signature but does not verify a signature's value, so
a forged signature is not something this server can show being refused.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3  # type: ignore[import-untyped]
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Dialog, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from pytest_django import Settings

from proof.harness import BIN, free_port, unavailable
from proof.harness.browser_fixtures import CHROMIUM, CHROMIUM_ARGS, require_tool
from tests.support.settings import load_settings_module

BUCKET = "bastion-proof-uploads"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "AKIAPROOF0000", "AWS_SECRET_ACCESS_KEY": "proof-secret"}
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    moto_server = shutil.which("moto_server", path=str(BIN))
    if moto_server is None:
        unavailable("moto_server is missing: install the proof group (uv sync --group proof)")
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [moto_server, "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()  # noqa: S310
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto_server did not start:\n{log.read_text()}") from None
                time.sleep(0.1)
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        ).create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def uploads(s3_endpoint: str, settings: Settings, tmp_path: Path) -> Any:
    """Django's default storage, configured from the environment as a production app is."""
    configured = load_settings_module(
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=s3_endpoint,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_QUERYSTRING_EXPIRE="60",
        **CREDENTIALS,
    )
    settings.STORAGES = configured["STORAGES"]
    # Anything written to the local disk would show up here.
    settings.MEDIA_ROOT = tmp_path
    return storages["default"]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310  (our own server)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_an_upload_is_saved_and_read_back_from_the_bucket(uploads: Any, tmp_path: Path) -> None:
    name = uploads.save("reports/q3.txt", ContentFile(b"quarterly numbers"))

    with uploads.open(name) as stored:
        assert stored.read() == b"quarterly numbers"
    assert uploads.exists(name)
    assert list(tmp_path.iterdir()) == []  # nothing on the server's own disk


def test_a_second_upload_of_the_same_name_does_not_replace_the_first(uploads: Any) -> None:
    first = uploads.save("avatars/me.png", ContentFile(b"first"))
    second = uploads.save("avatars/me.png", ContentFile(b"second"))

    assert first != second
    with uploads.open(first) as stored:
        assert stored.read() == b"first"


def test_the_signed_url_fetches_the_file(uploads: Any) -> None:
    name = uploads.save("invoices/42.txt", ContentFile(b"invoice 42"))

    url = uploads.url(name)

    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=60" in url
    assert _get(url) == (200, b"invoice 42")


def test_the_same_object_without_a_signature_is_refused(uploads: Any) -> None:
    name = uploads.save("invoices/43.txt", ContentFile(b"invoice 43"))
    parts = urlsplit(uploads.url(name))

    status, body = _get(parts._replace(query="").geturl())

    assert status == 403
    assert b"invoice 43" not in body


def test_objects_carry_no_public_grant(uploads: Any, s3_endpoint: str) -> None:
    name = uploads.save("private/notes.txt", ContentFile(b"notes"))
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )

    grants = client.get_object_acl(Bucket=BUCKET, Key=name)["Grants"]

    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all(grant["Grantee"].get("URI") != ALL_USERS for grant in grants)


SCRIPT = b"<script>alert(document.domain)</script>"
# What an attacker uploads to run script on the bucket's origin: (name, declared type, bytes).
HOSTILE = [
    ("avatar.png", "text/html", b"<html><body>" + SCRIPT),
    ("page.html", "text/html", b"<!doctype html>" + SCRIPT),
    (
        "drawing.svg",
        "image/svg+xml",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    ),
    ("doc.xhtml", "application/xhtml+xml", b'<html xmlns="http://www.w3.org/1999/xhtml">' + SCRIPT),
    ("polyglot.html", "text/html", b"\x00\x01" + SCRIPT),
    ("photo.png", "text/html", b"\x89PNG\r\n\x1a\n" + SCRIPT),
]


def _client(s3_endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def _served_headers(url: str) -> dict[str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310  (our own server)
        return {
            name: response.headers.get(name, "") for name in ("Content-Type", "Content-Disposition")
        }


def test_the_stored_type_comes_from_the_bytes_never_from_the_client(
    uploads: Any, s3_endpoint: str
) -> None:
    served = {}
    for name, declared, body in HOSTILE:
        key = uploads.save(f"hostile/{name}", SimpleUploadedFile(name, body, declared))
        served[name] = _served_headers(uploads.url(key))
    for name, headers in served.items():
        print(f"{name}: {headers}")

    assert served["photo.png"] == {"Content-Type": "image/png", "Content-Disposition": "inline"}
    assert served["polyglot.html"] == {
        "Content-Type": "application/octet-stream",
        "Content-Disposition": "attachment",
    }
    for name in ("avatar.png", "page.html", "drawing.svg", "doc.xhtml"):
        assert served[name]["Content-Type"] == "text/plain; charset=utf-8"


def test_a_nul_or_a_line_break_in_a_name_never_reaches_the_key(
    uploads: Any, s3_endpoint: str
) -> None:
    name = uploads.save("hostile/evil\x00name\n.txt", ContentFile(b"text"))

    keys = [o["Key"] for o in _client(s3_endpoint).list_objects_v2(Bucket=BUCKET)["Contents"]]

    assert name == "hostile/evilname.txt" or name.startswith("hostile/evilname_")
    assert not [key for key in keys if "\x00" in key or "\n" in key]


def test_nothing_uploaded_runs_script_in_chromium(
    uploads: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls = [
        uploads.url(uploads.save(f"browser/{name}", SimpleUploadedFile(name, body, declared)))
        for name, declared, body in HOSTILE
    ]
    chromium = require_tool(str(CHROMIUM), "chromium")
    dialogs: list[str] = []
    shown: dict[str, str] = {}
    # Playwright's loop would make Django refuse ORM calls; none are made from here on.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(accept_downloads=True).new_page()

            def on_dialog(dialog: Dialog) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()

            page.on("dialog", on_dialog)
            # The listener sees a script that does run.
            page.goto("data:text/html,<script>alert('canary')</script>")
            page.wait_for_timeout(300)
            for url in urls:
                try:
                    page.goto(url, wait_until="load", timeout=10_000)
                    shown[url] = "rendered: " + page.evaluate("document.contentType")
                except PlaywrightError as error:
                    # An attachment is downloaded, never rendered.
                    downloaded = "Download is starting" in str(error)
                    shown[url] = "downloaded" if downloaded else f"failed: {error}"
                page.wait_for_timeout(300)
        finally:
            browser.close()

    for url, outcome in shown.items():
        print(f"{urlsplit(url).path}: {outcome}")
    assert dialogs == ["canary"]
    assert sorted(set(shown.values())) == [
        "downloaded",
        "rendered: image/png",
        "rendered: text/plain",
    ]
