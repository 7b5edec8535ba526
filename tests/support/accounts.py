"""Accounts for tests: users who can sign in, and the sign-in form as a browser posts it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from http import HTTPStatus

from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client

from apps.accounts.models import User
from apps.accounts.services import user_email_mark_verified
from apps.core.reporting import OUTBOX

PASSWORD = "a-long-passphrase-9"
SIGN_IN = "/accounts/login/"


def verified_user(email: str = "ada@example.com", *, staff: bool = False) -> User:
    """A user whose address is verified, as signing in requires."""
    model = get_user_model()
    name = email.split("@", maxsplit=1)[0]
    if staff:
        user = model.objects.create_superuser(name, email, PASSWORD)
    else:
        user = model.objects.create_user(name, email, PASSWORD)
    user_email_mark_verified(user=user)
    assert isinstance(user, User)
    return user


def sign_in(client: Client, email: str, password: str = PASSWORD, next_url: str = "") -> int:
    query = f"?next={next_url}" if next_url else ""
    response = client.post(SIGN_IN + query, {"login": email, "password": password})
    return response.status_code


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238's code for a base32 secret (30 s steps, 6 digits, SHA-1), as an app computes it."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def enrol_totp(client: Client, password: str = PASSWORD) -> str:
    """Set up an authenticator app as a user does on the page; returns its secret."""
    client.post("/accounts/reauthenticate/", {"password": password})
    page = client.get("/accounts/2fa/totp/activate/")
    secret = re.search(
        r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page.text
    ) or re.search(r'value="([A-Z2-7]{32})"', page.text)
    assert secret is not None, page.text
    done = client.post("/accounts/2fa/totp/activate/", {"code": totp(secret.group(1))})
    assert done.status_code == HTTPStatus.FOUND, done.text
    return secret.group(1)


def recovery_codes(client: Client) -> list[str]:
    page = client.get("/accounts/2fa/recovery-codes/")
    field = re.search(r'<textarea[^>]*id="recovery_codes"[^>]*>(.*?)</textarea>', page.text, re.S)
    assert field is not None, page.text
    return field.group(1).split()


def sent() -> list[EmailMessage]:
    """The mail sent so far, once the mail thread has handed over what it was given.

    With tasks run in the request (the tests' backend), account mail goes through the
    process's mail thread, so a stalled mail server holds no request.
    """
    OUTBOX.join()
    return list(mail.outbox)
