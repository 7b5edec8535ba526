"""django-allauth's account adapter, through the hooks it documents for this.

https://docs.allauth.org/en/latest/account/advanced.html#custom-redirects
"""

from __future__ import annotations

import logging
import secrets
from functools import partial
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django_tasks.backends.immediate import ImmediateBackend

from apps.accounts.tasks import account_mail_send
from apps.core.clients import client_ip
from apps.core.reporting import OUTBOX

logger = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render the mail in the request, send it from a task.

        The answer then takes the same time whether the address is registered (a reset
        link) or not (a note that no account has it), and a slow or stalled mail server
        holds no request: the worker sends it (TASKS_BACKEND=database), or else the
        process's mail thread (apps/core/reporting.py), as it sends error mail.
        """
        request = context.get("request") or _current_request()
        context = {"request": request, "email": email, **context}
        context.setdefault("current_site", _current_site(request))
        message = self.render_mail(template_prefix, email, context)
        alternatives = [
            (str(content), mimetype) for content, mimetype in getattr(message, "alternatives", [])
        ]
        mail: dict[str, Any] = {
            "subject": str(message.subject),
            "body": str(message.body),
            "from_email": str(message.from_email),
            "to": list(message.to),
            "alternatives": alternatives,
        }
        if isinstance(account_mail_send.get_backend(), ImmediateBackend):
            # Tasks run inside the request here: the process's mail thread sends it instead.
            if not OUTBOX.put(partial(account_mail_send.call, **mail)):
                logger.warning("Account mail dropped: too many waiting to be sent")
        else:
            account_mail_send.enqueue(**mail)

    def send_account_already_exists_mail(self, email: str) -> None:
        """Hash a password as creating the account would have, then tell the owner.

        Without it, signing up with a registered address answers a password hash
        sooner than with a new one: a timing that tells which addresses have accounts.
        """
        make_password(secrets.token_urlsafe(32))
        super().send_account_already_exists_mail(email)

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address rate limits count, found as the lockout finds it."""
        return client_ip(request)


def _current_request() -> HttpRequest:
    from allauth.core import context

    request: HttpRequest = context.request
    return request


def _current_site(request: HttpRequest) -> Any:
    from django.contrib.sites.shortcuts import get_current_site

    return get_current_site(request)


class MFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]  # allauth ships no types
    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        """The passkeys' site: PASSKEY_RP_ID when set, else the host of the request.

        A passkey made for example.com also works on www.example.com; one made for the
        host alone works on that host only (deploy check bastion.W188).
        """
        entity: dict[str, str] = super().get_public_key_credential_rp_entity()
        if settings.PASSKEY_RP_ID:
            entity["id"] = settings.PASSKEY_RP_ID
        return entity
