"""The signing key: E001, and keys that pass Django's rule but are patterned or shipped."""

from __future__ import annotations

import secrets
import string
from pathlib import Path

import pytest
from django.core.checks import run_checks
from pytest_django import Settings

from apps.core.checks import secret_key
from tests.apps.core.checks import ids
from tests.support.settings import REPO, strong_key


def test_a_weak_secret_key_with_debug_off_fires_e001_even_without_deploy(
    settings: Settings,
) -> None:
    settings.DEBUG = False
    settings.SECRET_KEY = "short"

    assert "bastion.E001" in ids(run_checks())


def test_a_strong_secret_key_is_quiet(settings: Settings) -> None:
    settings.DEBUG = False

    assert secret_key.check_secret_key() == []


@pytest.mark.parametrize(
    "key",
    [
        "production-like-key-" + "x1y2z3" * 6,
        "correct-horse-battery-staple-" * 3,
        # Built, not written out: a literal key in this file would be public (E021) too.
        string.ascii_lowercase + string.digits + string.ascii_uppercase,
        strong_key()[:30] + "0123456789" + strong_key()[:20],
    ],
    ids=["repeated word", "repeated phrase", "alphabet", "a run of digits in a random key"],
)
def test_a_patterned_key_that_passes_djangos_rule_fires_e020(
    production: Settings, key: str
) -> None:
    production.SECRET_KEY = key

    assert ids(secret_key.check_signing_keys()) == {"bastion.E020"}


def test_random_keys_of_both_usual_alphabets_are_never_called_patterned() -> None:
    keys = [secrets.token_urlsafe(50) for _ in range(2000)]
    keys += [secrets.token_hex(32) for _ in range(2000)]

    assert not any(secret_key.is_patterned(key) for key in keys)


def test_a_key_committed_in_the_repository_fires_e021_naming_the_file(
    production: Settings,
) -> None:
    committed = REPO / "pyproject.toml"
    line = next(line for line in committed.read_text().splitlines() if "SECRET_KEY=" in line)
    production.SECRET_KEY = line.split("SECRET_KEY=", 1)[1].rstrip('",')

    messages = secret_key.check_signing_keys()

    assert ids(messages) == {"bastion.E021"}
    assert "pyproject.toml" in messages[0].msg
    assert production.SECRET_KEY not in messages[0].msg


def test_a_key_in_any_shipped_file_counts_but_dot_env_does_not(tmp_path: Path) -> None:
    key = strong_key()
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "users.json").write_text(f'{{"key": "{key}"}}')
    (tmp_path / ".env").write_text(f"SECRET_KEY={key}\n")
    other = strong_key()
    (tmp_path / ".env").write_text(f"SECRET_KEY={other}\n")

    found = secret_key.files_containing([key, other], tmp_path)

    assert found == {key: tmp_path / "fixtures" / "users.json"}


def test_a_fresh_key_from_the_environment_is_quiet(production: Settings) -> None:
    assert secret_key.check_signing_keys() == []


@pytest.mark.parametrize(
    "fallback",
    ["production-like-key-" + "x1y2z3" * 6, "too-short", "REPO-KEY"],
)
def test_a_guessable_or_committed_fallback_fires_e022(production: Settings, fallback: str) -> None:
    if fallback == "REPO-KEY":
        text = (REPO / "pyproject.toml").read_text()
        fallback = text.split("SECRET_KEY=", 1)[1].split('"', 1)[0]
    production.SECRET_KEY_FALLBACKS = [strong_key(), fallback]

    messages = secret_key.check_signing_keys()

    assert ids(messages) == {"bastion.E022"}
    assert "#1" in messages[0].msg
    assert fallback not in messages[0].msg


def test_a_weak_key_is_left_to_e001_so_boot_prints_one_line(production: Settings) -> None:
    production.SECRET_KEY = "a" * 60

    assert secret_key.check_signing_keys() == []


def test_keys_are_not_judged_while_developing(settings: Settings) -> None:
    settings.DEBUG = True
    settings.USE_SSL = False
    settings.SECRET_KEY = "production-like-key-" + "x1y2z3" * 6

    assert secret_key.check_signing_keys() == []
