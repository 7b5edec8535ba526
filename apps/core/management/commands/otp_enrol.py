"""`manage.py otp_enrol USERNAME`: set up admin two-factor sign-in for one user.

Creates an authenticator-app (TOTP) device and ten single-use recovery codes, and
prints what the user needs: the otpauth:// link (most apps read it from a QR code
or take the secret typed in) and the recovery codes. Run it again with --replace to
start over after a lost phone; the old device and codes stop working.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10


class Command(BaseCommand):
    help = "Give a user an authenticator-app device and recovery codes for ADMIN_2FA."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--replace", action="store_true", help="remove the user's existing devices first"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        model = get_user_model()
        try:
            user = model._default_manager.get_by_natural_key(options["username"])
        except model.DoesNotExist:
            raise CommandError(f"No user {options['username']!r}.") from None
        with transaction.atomic():
            existing = TOTPDevice.objects.devices_for_user(user).exists()
            if existing and not options["replace"]:
                raise CommandError(
                    "This user already has an authenticator; use --replace to start over."
                )
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
            totp = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
            recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
            codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
            for code in codes:
                recovery.token_set.create(token=code)
        self.stdout.write("Authenticator link (add it to the app, or scan it as a QR code):\n")
        self.stdout.write(f"  {totp.config_url}\n")
        self.stdout.write("Recovery codes, each usable once instead of a code from the app:\n")
        for code in codes:
            self.stdout.write(f"  {code}\n")
