"""Django's createsuperuser, with the password validators enforced under --noinput too.

Django checks AUTH_PASSWORD_VALIDATORS only when it prompts; with --noinput it takes
DJANGO_SUPERUSER_PASSWORD as it is, so a deploy script could create an admin whose
password is `password`. This command refuses such a password in both modes.

Signing in needs a verified address (ACCOUNT_EMAIL_VERIFICATION): the operator who
creates the admin vouches for the one given, so it is recorded as verified.
"""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.management.commands import createsuperuser
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db.models import QuerySet

from apps.accounts.services import user_email_mark_verified


class Command(createsuperuser.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options["interactive"] and password is not None:
            _validate(password, options)
        existing = set(_superusers().values_list("pk", flat=True))
        super().handle(*args, **options)
        for user in _superusers().exclude(pk__in=existing):
            user_email_mark_verified(user=user)


def _validate(password: str, options: dict[str, Any]) -> None:
    """Run the validators on the user being created, so similarity to its name counts."""
    model = get_user_model()
    fields = {model.USERNAME_FIELD, *model.REQUIRED_FIELDS}
    values = {
        name: options.get(name) or os.environ.get(f"DJANGO_SUPERUSER_{name.upper()}", "")
        for name in fields
        # Foreign keys and many-to-many fields are given as ids; they are not text to compare.
        if not model._meta.get_field(name).is_relation
    }
    try:
        password_validation.validate_password(password, user=model(**values))
    except ValidationError as error:
        raise CommandError(
            "DJANGO_SUPERUSER_PASSWORD is too weak: " + " ".join(error.messages)
        ) from None


def _superusers() -> QuerySet[Any]:
    return get_user_model()._default_manager.filter(is_superuser=True)
