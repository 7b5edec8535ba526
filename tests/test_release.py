"""heroku-release.sh, the release gate: the real script, run as the platform runs it.

The everyday suite runs it three ways: a correct production configuration releases, a bad
one stops before migrating, a failing migration fails it. The proof kit plants every kind of
misconfiguration the checks know.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.release import SCRIPT, database, migrated_tables, production_env, release, tree
from tests.support.settings import REPO

__all__ = ["database", "tree"]


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


def test_the_admin_without_a_second_factor_stops_the_release(database: Path) -> None:
    result = release(REPO, production_env(database, ADMIN_2FA="false"))

    assert result.returncode != 0
    assert "bastion.W181" in result.stderr
    assert migrated_tables(database) == set()


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
