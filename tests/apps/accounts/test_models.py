"""apps/accounts/models.py: the project's own user model, in place from the first migration."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import RequestFactory

from apps.accounts.models import User

ACCOUNTS = Path(__file__).resolve().parents[3] / "apps" / "accounts"


def test_the_user_model_is_the_projects_own() -> None:
    assert settings.AUTH_USER_MODEL == "accounts.User"
    assert get_user_model() is User


@pytest.mark.django_db
def test_users_live_in_the_accounts_table_and_can_log_in() -> None:
    get_user_model().objects.create_user("ada", "ada@example.com", "a-long-passphrase-9")

    assert "accounts_user" in connection.introspection.table_names()
    assert "auth_user" not in connection.introspection.table_names()
    # django-axes, first among the backends, wants the request a login comes with.
    user = authenticate(
        RequestFactory().post("/"), email="ada@example.com", password="a-long-passphrase-9"
    )
    assert isinstance(user, User)
    assert user.email == "ada@example.com"


def test_the_first_migration_creates_the_user_table() -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)

    first = loader.get_migration("accounts", "0001_initial")
    assert first.initial is True
    assert any(getattr(op, "name", "") == "User" for op in first.operations)
    assert loader.detect_conflicts() == {}


@pytest.mark.django_db
def test_the_model_needs_no_migration_beyond_those_committed() -> None:
    # Exits non-zero (SystemExit) when models and migrations differ.
    call_command("makemigrations", "accounts", "--check", "--dry-run", verbosity=0)


def test_nothing_in_accounts_imports_the_demo() -> None:
    imported: set[str] = set()
    for source in ACCOUNTS.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)

    assert imported
    # The accounts app stands on its own: Django, its accounts and tasks libraries, the
    # standard library and the project's core.
    third_party = {name.split(".")[0] for name in imported} - set(sys.stdlib_module_names)
    assert third_party <= {
        "__future__",
        "django",
        "allauth",
        "django_tasks",
        "django_permissions_policy",
        "apps",
    }
    assert {name.split(".")[1] for name in imported if name.startswith("apps.")} <= {
        "core",
        "accounts",
    }
    assert apps.get_app_config("accounts").name == "apps.accounts"
