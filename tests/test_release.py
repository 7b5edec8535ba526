"""heroku-release.sh, the release gate: the real script, run as the platform runs it.

The everyday suite runs it three ways: a correct production configuration releases, a bad
one stops before migrating, a failing migration fails it. The proof kit plants every kind of
misconfiguration the checks know.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, strong_key

SCRIPT = "heroku-release.sh"


def production_env(database: Path, **overrides: str) -> dict[str, str]:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(database.parent),
        "PYTHON": sys.executable,
        "ENV_FILE": "",
        "SECRET_KEY": strong_key(),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "bastion.example.com",
        "USE_SSL": "true",
        "HSTS_STAGE": "hour",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    env.update(overrides)
    return env


def release(tree: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(tree / SCRIPT)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def migrated_tables(database: Path) -> set[str]:
    if not database.exists():
        return set()
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in rows}


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "release.sqlite3"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the deployable tree, so a test can plant a bad edit in its settings."""
    copy = tmp_path / "app"
    copy.mkdir()
    for name in ("manage.py", SCRIPT):
        shutil.copy2(REPO / name, copy / name)
    for name in ("config", "apps"):
        shutil.copytree(REPO / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_the_script_is_strict_bash() -> None:
    text = (REPO / SCRIPT).read_text()

    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert (REPO / SCRIPT).stat().st_mode & 0o111


def test_a_correct_production_configuration_releases(database: Path) -> None:
    result = release(REPO, production_env(database))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "django_session" in migrated_tables(database)
    assert "release: done" in result.stdout


def test_a_failed_deploy_check_stops_the_release_before_migrating(database: Path) -> None:
    result = release(REPO, production_env(database, DEBUG="true"))

    assert result.returncode != 0
    assert "security.W018" in result.stderr
    assert "nothing was migrated" in result.stderr
    assert migrated_tables(database) == set()


def test_a_failing_migration_fails_the_release(tree: Path, database: Path) -> None:
    migrations = tree / "apps" / "core" / "migrations"
    migrations.mkdir()
    (migrations / "__init__.py").touch()
    (migrations / "0001_broken.py").write_text(
        "from django.db import migrations\n\n\n"
        "class Migration(migrations.Migration):\n"
        "    dependencies = []\n"
        '    operations = [migrations.RunSQL("SELECT * FROM no_such_table")]\n'
    )

    result = release(tree, production_env(database))

    assert result.returncode != 0
    assert "migrations did not apply" in result.stderr
