"""The release gate against one planted misconfiguration of each class: it stops before migrating.

Each case runs the real heroku-release.sh once, as tests/test_heroku_release.py does.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.release import SCRIPT, migrated_tables, production_env, release
from tests.support.settings import REPO

PYPROJECT_TEST_KEY = (REPO / "pyproject.toml").read_text().split("SECRET_KEY=", 1)[1].split('"')[0]

# class: (settings.py addition, environment overrides, the check id that must stop it)
PLANTED = {
    "csp: a gadget host in script-src-elem": (
        'CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src-elem"] = '
        '["\'self\'", "https://ajax.googleapis.com"]',
        {},
        "bastion.W013",
    ),
    "cors: a regex without its end anchor": (
        'CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://app\\.example\\.com"]\n'
        "CORS_ALLOW_CREDENTIALS = True",
        {},
        "bastion.W017",
    ),
    "secrets: the key committed in pyproject.toml": (
        "",
        {"SECRET_KEY": PYPROJECT_TEST_KEY},
        "bastion.E021",
    ),
    "settings: a pickle session serializer": (
        'SESSION_SERIALIZER = "pickle.Pickler"',
        {},
        "bastion.E028",
    ),
    "settings: DEBUG under USE_SSL": ("", {"DEBUG": "true"}, "bastion.E023"),
    "settings: remote PostgreSQL without TLS": (
        "",
        {"DATABASE_URL": "postgres://app:secret@db.example.com:5432/app"},
        "bastion.W035",
    ),
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the deployable tree with pyproject.toml, so a planted edit stays local."""
    import shutil

    copy = tmp_path / "app"
    copy.mkdir()
    for name in ("manage.py", SCRIPT, "pyproject.toml"):
        shutil.copy2(REPO / name, copy / name)
    for name in ("config", "apps"):
        shutil.copytree(REPO / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.mark.parametrize("case", PLANTED)
def test_a_planted_misconfiguration_stops_the_release_before_migrating(
    tree: Path, tmp_path: Path, case: str
) -> None:
    edit, overrides, check_id = PLANTED[case]
    settings_file = tree / "config" / "settings.py"
    settings_file.write_text(settings_file.read_text() + "\n" + edit + "\n")
    database = tmp_path / "release.sqlite3"

    result = release(tree, production_env(database, **overrides))

    assert result.returncode != 0
    assert check_id in result.stderr
    assert "nothing was migrated" in result.stderr
    assert migrated_tables(database) == set()


def test_settings_that_fail_to_import_never_pass_the_gate(tree: Path, tmp_path: Path) -> None:
    settings_file = tree / "config" / "settings.py"
    settings_file.write_text(settings_file.read_text() + '\nraise RuntimeError("half-edited")\n')
    database = tmp_path / "release.sqlite3"

    result = release(tree, production_env(database))

    assert result.returncode != 0
    assert "nothing was migrated" in result.stderr
    assert migrated_tables(database) == set()
