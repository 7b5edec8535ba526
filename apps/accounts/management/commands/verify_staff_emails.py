"""`manage.py verify_staff_emails`: record every staff user's address as verified.

Signing in needs a verified address. Admins created before the accounts existed have
none on record, and would be sent a verification mail at their first sign-in; an
operator who vouches for their addresses runs this once instead (as createsuperuser
does for each new admin). Users who are not staff verify their own, by mail.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from apps.accounts.services import user_email_mark_verified


class Command(BaseCommand):
    help = "Record the address of every active staff user as verified."

    def handle(self, *args: Any, **options: Any) -> None:
        staff = get_user_model()._default_manager.filter(is_staff=True, is_active=True)
        marked = 0
        for user in staff.exclude(email=""):
            user_email_mark_verified(user=user)
            marked += 1
        self.stdout.write(f"Verified the address of {marked} staff user(s).")
