"""
The signing key: SECRET_KEY and SECRET_KEY_FALLBACKS (E001, E020, E021, E022).

E001 refuses a missing, placeholder or weak key in Django's own terms. The
other rules judge keys that pass it but are guessable or public.

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
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

PLACEHOLDER_MARKERS = ("change-me", "changeme", "replace-me", "placeholder", "secret-key-here")
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
    # Paths are compared as the walk makes them, under the resolved root: resolving each
    # file instead cost a server's start-up 15 ms for a few hundred files.
    root = root.resolve()
    skipped = {str(path.resolve()) for path in skip} | {str(root / ".env")}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [name for name in dirs if name not in SKIPPED_DIRS]
        for name in files:
            path = os.path.join(folder, name)
            if path not in skipped and not name.endswith((".pyc", ".sqlite3")):
                yield Path(path)


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


def secret_key_problem(key: str) -> str | None:
    """Say what is wrong with a SECRET_KEY, in Django's own terms, or None."""
    if not key:
        return "is not set"
    if any(marker in key.lower() for marker in PLACEHOLDER_MARKERS):
        return "is still the placeholder from .env.example"
    if key.startswith(SECRET_KEY_INSECURE_PREFIX):
        return f"starts with {SECRET_KEY_INSECURE_PREFIX!r}, which marks a development key"
    if len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return (
            f"is weak: it needs {SECRET_KEY_MIN_LENGTH}+ characters "
            f"and {SECRET_KEY_MIN_UNIQUE_CHARACTERS}+ different ones"
        )
    return None


@register(Tags.security)
def check_secret_key(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        key = ""
    problem = secret_key_problem(key)
    if problem is None:
        return []
    return [
        Error(
            f"SECRET_KEY {problem}, and DEBUG is off.",
            hint="Set SECRET_KEY to the output of `make secret-key` (Heroku generates one).",
            id="bastion.E001",
        )
    ]


def _where(path: Path) -> str:
    return f"written in {path.relative_to(settings.BASE_DIR)}"


def _signing_keys_apply() -> bool:
    return not settings.DEBUG or settings.USE_SSL


@register(Tags.security)
def check_signing_keys(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    if not _signing_keys_apply():
        return []
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # an empty key: bastion.E001 reports it
        key = ""
    fallbacks = [str(k) for k in getattr(settings, "SECRET_KEY_FALLBACKS", []) if k]
    messages: list[CheckMessage] = []
    # A missing or weak key is bastion.E001's; these rules judge keys that pass it.
    judged = key if secret_key_problem(key) is None else ""
    if judged and is_patterned(judged):
        messages.append(
            Error(
                "SECRET_KEY is patterned: a run of its characters repeats or counts up.",
                hint="Set SECRET_KEY to the output of `make secret-key` (Heroku generates one).",
                id="bastion.E020",
            )
        )
    public = files_containing([judged, *fallbacks], settings.BASE_DIR)
    if judged in public:
        messages.append(
            Error(
                f"SECRET_KEY is {_where(public[judged])}, a file shipped with the code: "
                "anyone with the repository can sign sessions.",
                hint="Generate a key with `make secret-key`; set it in the environment only.",
                id="bastion.E021",
            )
        )
    bad = [
        f"#{index} ({_where(public[k]) if k in public else 'patterned or weak'})"
        for index, k in enumerate(fallbacks)
        if k in public or is_patterned(k) or secret_key_problem(k) is not None
    ]
    if bad:
        messages.append(
            Error(
                f"SECRET_KEY_FALLBACKS holds keys anyone can guess or read: {', '.join(bad)}.",
                hint="Keep only retired random keys there, from the environment, then drop them.",
                id="bastion.E022",
            )
        )
    return messages
