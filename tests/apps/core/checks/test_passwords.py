"""How passwords are stored and which are accepted: bastion.W026 and W027."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from pytest_django import Settings

from apps.core.checks import passwords
from tests.apps.core.checks import ids


@pytest.mark.parametrize(
    "hasher",
    [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.UnsaltedSHA1PasswordHasher",
        "tests.apps.core.checks.test_passwords.FastPBKDF2",
        "no.such.Hasher",
    ],
)
def test_a_weak_first_password_hasher_fires_w026(production: Settings, hasher: str) -> None:
    production.PASSWORD_HASHERS = [hasher, "django.contrib.auth.hashers.PBKDF2PasswordHasher"]

    assert ids(passwords.check_passwords()) == {"bastion.W026"}


class FastPBKDF2(PBKDF2PasswordHasher):
    """A hasher tuned down for speed, as test settings often do."""

    iterations = 1000


def test_argon2_first_and_md5_kept_for_old_hashes_is_quiet(production: Settings) -> None:
    production.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]

    assert passwords.check_passwords() == []


def test_no_password_validators_fires_w027(production: Settings) -> None:
    production.AUTH_PASSWORD_VALIDATORS = []

    assert ids(passwords.check_passwords()) == {"bastion.W027"}
