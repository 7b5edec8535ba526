"""Writes about accounts that no web form makes."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AbstractUser


def user_email_mark_verified(*, user: AbstractBaseUser) -> None:
    """Record the user's address as verified and primary.

    For accounts an operator creates (createsuperuser): the operator vouches for the
    address, and signing in requires a verified one.
    """
    email = user.email if isinstance(user, AbstractUser) else ""
    if not email:
        return
    # One primary address per user: this one.
    EmailAddress.objects.filter(user=user, primary=True).exclude(email__iexact=email).update(
        primary=False
    )
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=email, defaults={"email": email, "verified": True, "primary": True}
    )
