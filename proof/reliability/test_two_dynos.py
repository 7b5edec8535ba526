"""Two app processes share one PostgreSQL, as two web dynos behind one router do."""

from __future__ import annotations

import secrets
import sys
from http import HTTPStatus

import pytest

from proof import harness
from proof.harness import Database
from proof.harness.clients import Browser, csrf_token
from proof.harness.fixtures import Serve

pytestmark = pytest.mark.deploy

# The proof site's form page: a CSRF-protected form that stores what it is sent.
FORM = "/proof/form/"


def create_superuser(database: Database, username: str, password: str) -> None:
    env = harness.production_env(
        database.url,
        DJANGO_SUPERUSER_USERNAME=username,
        DJANGO_SUPERUSER_PASSWORD=password,
        DJANGO_SUPERUSER_EMAIL=f"{username}@example.com",
    )
    harness.run_checked(
        [sys.executable, "manage.py", "createsuperuser", "--noinput"], env, timeout=60
    )


def test_sessions_csrf_tokens_and_stored_data_from_one_dyno_hold_on_the_other(
    database: Database, serve: Serve
) -> None:
    # Dynos share their config vars, the secret key among them.
    secret_key = secrets.token_urlsafe(50)
    first = serve(database.url, SECRET_KEY=secret_key).port
    second = serve(database.url, SECRET_KEY=secret_key).port
    password = secrets.token_urlsafe(16)
    create_superuser(database, "admin", password)
    browser = Browser()

    # Sign in on the second dyno with the CSRF token the first one issued.
    token = csrf_token(browser.get(first, "/accounts/login/"))
    login = browser.post(
        second,
        "/accounts/login/?next=/accounts/email/",
        form={"login": "admin@example.com", "password": password, "csrfmiddlewaretoken": token},
    )
    assert login.status == HTTPStatus.FOUND
    assert login.header("Location") == "/accounts/email/"
    account = browser.get(first, "/accounts/email/")
    assert account.status == HTTPStatus.OK
    assert "admin@example.com" in account.text

    token = csrf_token(browser.get(second, FORM))
    saved = browser.post(
        first, FORM, form={"text": "Hello from the first dyno", "csrfmiddlewaretoken": token}
    )
    assert saved.status == HTTPStatus.FOUND
    assert "Hello from the first dyno" in browser.get(second, FORM).text
    listed = browser.get(first, "/api/proof/notes/")
    assert listed.status == HTTPStatus.OK
    assert "Hello from the first dyno" in listed.text
