"""A copy of the project to change freely, and `make` run in it with this checkout's tools."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from proof.harness import REPO, UV

# The copy gets its own virtual environment (its dependencies may differ: init can drop
# the proof group) but reuses this checkout's uv, whose cache makes the install quick.
TOOLS = UV.parent.parent
# What a checkout makes for itself and never commits.
LOCAL = {".git", ".venv", ".tools", "__pycache__", "node_modules", "staticfiles", ".pytest_cache"}
LOCAL |= {".mypy_cache", ".ruff_cache", ".hypothesis", ".env", "db.sqlite3"}
# The caller's test settings, and a calling make's level and flags (`make prove` runs
# these), stay out of the copy's make.
NOT_INHERITED = frozenset(
    {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "PYTEST_ADDOPTS", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
)


def tracked_files(tree: Path = REPO) -> list[str]:
    """The files of the project as a clone would have them (and new files not yet added)."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [name for name in listed if (tree / name).is_file()]


def copy_project(destination: Path) -> Path:
    for name in tracked_files():
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, destination / name)
    return destination


def make(tree: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name not in NOT_INHERITED}
    return subprocess.run(
        ["make", "--no-print-directory", f"TOOLS={TOOLS}", *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def snapshot(tree: Path) -> dict[str, str]:
    """Every file under `tree` with a digest of its content, to see what changed."""
    return {
        str(path.relative_to(tree)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(tree.rglob("*"))
        if path.is_file() and not LOCAL & set(path.relative_to(tree).parts)
    }


def files_naming(tree: Path, word: str) -> dict[str, list[str]]:
    """The lines of each project file that mention `word`, in any case."""
    found: dict[str, list[str]] = {}
    for path in sorted(tree.rglob("*")):
        relative = path.relative_to(tree)
        if not path.is_file() or LOCAL & set(relative.parts):
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        hits = [line for line in lines if word.lower() in line.lower()]
        if hits:
            found[str(relative)] = hits
    return found
