"""
Passwords: how they are stored and which are accepted (W026, W027).

A hasher is judged by class (a subclass of PBKDF2, Argon2, scrypt or
bcrypt-SHA256) and by its cost, against OWASP's floors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import (  # type: ignore[attr-defined]  # stubs lack scrypt
    Argon2PasswordHasher,
    BCryptSHA256PasswordHasher,
    PBKDF2PasswordHasher,
    ScryptPasswordHasher,
)
from django.core.checks import CheckMessage, Tags, Warning, register
from django.utils.module_loading import import_string

STRONG_HASHERS = (
    PBKDF2PasswordHasher,
    Argon2PasswordHasher,
    ScryptPasswordHasher,
    BCryptSHA256PasswordHasher,
)
# OWASP's floors (Password Storage Cheat Sheet); Django's defaults are above them.
PBKDF2_MIN_ITERATIONS = 600_000
ARGON2_MIN_MEMORY_KIB = 19 * 1024
SCRYPT_MIN_WORK_FACTOR = 2**14


def _hasher_weakness(path: str) -> str | None:
    try:
        hasher: Any = import_string(path)
    except ImportError:
        return "cannot be imported"
    if not (isinstance(hasher, type) and issubclass(hasher, STRONG_HASHERS)):
        return "is not PBKDF2, Argon2, scrypt or bcrypt-SHA256"
    tuned: Any = hasher  # the cost attributes differ from one hasher class to the next
    if issubclass(tuned, PBKDF2PasswordHasher) and tuned.iterations < PBKDF2_MIN_ITERATIONS:
        return f"runs {tuned.iterations} PBKDF2 iterations, fewer than {PBKDF2_MIN_ITERATIONS}"
    if issubclass(tuned, Argon2PasswordHasher) and tuned.memory_cost < ARGON2_MIN_MEMORY_KIB:
        return f"uses {tuned.memory_cost} KiB, less than {ARGON2_MIN_MEMORY_KIB}"
    if issubclass(tuned, ScryptPasswordHasher) and tuned.work_factor < SCRYPT_MIN_WORK_FACTOR:
        return f"has work factor {tuned.work_factor}, less than {SCRYPT_MIN_WORK_FACTOR}"
    return None


@register(Tags.security, deploy=True)
def check_passwords(app_configs: Sequence[Any] | None = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    hashers = list(settings.PASSWORD_HASHERS)
    weakness = _hasher_weakness(hashers[0]) if hashers else "is missing"
    if weakness:
        messages.append(
            Warning(
                f"The first of PASSWORD_HASHERS ({hashers[0] if hashers else 'none'}) {weakness}: "
                "new passwords are stored with it.",
                hint="Remove PASSWORD_HASHERS to use Django's default (PBKDF2-SHA256).",
                id="bastion.W026",
            )
        )
    if not settings.AUTH_PASSWORD_VALIDATORS:
        messages.append(
            Warning(
                "AUTH_PASSWORD_VALIDATORS is empty: any password is accepted, even 'a'.",
                hint="Keep Django's four validators (config/settings.py lists them).",
                id="bastion.W027",
            )
        )
    return messages
