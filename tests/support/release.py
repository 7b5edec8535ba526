"""heroku-release.sh run as the platform runs it, on a SQLite database of the test's own.

tests/test_release.py runs it three ways; the proof plants every misconfiguration.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.settings import REPO, strong_key

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
        "ADMIN_2FA": "true",
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
