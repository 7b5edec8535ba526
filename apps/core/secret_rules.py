"""
Signing keys that pass Django's length rule but are guessable or public.

A key is patterned when a run of 8 or more characters repeats in it, or when
8 or more characters in a row climb or fall by the same step (`abcdefgh`,
`12345678`): a random key of Django's 50 characters has neither, except with
odds far below one in a million.

A key is public when its literal value is in a file shipped with the code:
the files of the deployed tree are read, not `.git`, so a Heroku slug or a
Docker image (both carry the repository's files, without `.git`) is judged
on the files it really carries. Only `.env` (never committed, and the place a
development key belongs) and build output are left out.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

RUN = 8
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".venv",
        ".tools",
        "node_modules",
        "staticfiles",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".hypothesis",
        "htmlcov",
    }
)
LARGEST_FILE = 2 * 1024 * 1024


def is_patterned(key: str) -> bool:
    """True when the key repeats a run of characters or walks a sequence."""
    for start in range(len(key) - RUN + 1):
        if key.find(key[start : start + RUN], start + 1) != -1:
            return True
    steps = [ord(b) - ord(a) for a, b in itertools.pairwise(key)]
    return any(len(set(steps[i : i + RUN - 1])) == 1 for i in range(len(steps) - RUN + 2))


def shipped_files(root: Path, skip: Iterable[Path] = ()) -> Iterator[Path]:
    """Every file of the deployed tree, less .env, local environments and build output."""
    skipped = {path.resolve() for path in skip} | {(root / ".env").resolve()}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if name not in SKIPPED_DIRS]
        for name in files:
            path = Path(folder) / name
            if path.resolve() not in skipped and not name.endswith((".pyc", ".sqlite3")):
                yield path


def files_containing(keys: Iterable[str], root: Path, skip: Iterable[Path] = ()) -> dict[str, Path]:
    """For each key found in a shipped file, the first such file."""
    wanted = {key.encode() for key in keys if key}
    found: dict[str, Path] = {}
    for path in shipped_files(root, skip):
        try:
            if path.stat().st_size > LARGEST_FILE:
                continue
            data = path.read_bytes()
        except OSError:
            continue
        for key in wanted - {k.encode() for k in found}:
            if key in data:
                found[key.decode()] = path
        if len(found) == len(wanted):
            break
    return found
