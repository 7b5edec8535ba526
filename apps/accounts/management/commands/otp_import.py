"""`manage.py otp_import`: move authenticator-app devices of the former admin two-factor
sign-in (django-otp's tables, left in the database) into the accounts' second factors.

Each confirmed device becomes the user's authenticator app (TOTP) with the same secret,
so the app on the phone keeps working. A user who already has one keeps it. Devices with
a step, digit count or start time the accounts' TOTP does not use are listed, not moved;
so are recovery codes (their owners make new ones on the two-factor page). Running it
again moves nothing twice.
"""

from __future__ import annotations

import base64
from typing import Any

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction

TABLE = "otp_totp_totpdevice"
COLUMNS = "user_id, key, step, t0, digits"


class Command(BaseCommand):
    help = "Move the former admin TOTP devices (django-otp) into the accounts' second factors."

    def handle(self, *args: Any, **options: Any) -> None:
        if TABLE not in connection.introspection.table_names():
            self.stdout.write("No former two-factor devices in this database: nothing to move.")
            return
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {COLUMNS} FROM {TABLE} WHERE confirmed ORDER BY id")  # noqa: S608
            rows = cursor.fetchall()
        moved = 0
        with transaction.atomic():
            for user_id, key, step, t0, digits in rows:
                moved += self._move(user_id, key, step=step, t0=t0, digits=digits)
        self.stdout.write(f"Moved {moved} authenticator app(s) of {len(rows)} device(s).")

    def _move(self, user_id: int, key: str, *, step: int, t0: int, digits: int) -> int:
        user = get_user_model()._default_manager.filter(pk=user_id).first()
        if user is None:
            return 0
        name = user.get_username()
        if (step, t0, digits) != (settings.MFA_TOTP_PERIOD, 0, settings.MFA_TOTP_DIGITS):
            self.stdout.write(f"Not moved (step {step}, t0 {t0}, {digits} digits): {name}")
            return 0
        existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)
        if existing.exists():
            self.stdout.write(f"Already has an authenticator app: {name}")
            return 0
        secret = base64.b32encode(bytes.fromhex(key)).decode("ascii")
        Authenticator.objects.create(
            user=user,
            type=Authenticator.Type.TOTP,
            data={"secret": get_adapter().encrypt(secret)},
        )
        self.stdout.write(f"Moved: {name}")
        return 1
