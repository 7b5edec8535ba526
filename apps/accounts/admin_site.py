"""The admin behind the site's own sign-in: one sign-in page, one set of factors, one lockout.

The admin's login page signs no one in: it sends the visitor to the accounts sign-in
page (django-allauth), which runs the password, the lockout and the second factor, and
back. With ADMIN_2FA on, a staff user enters the admin only once a second factor was
used in this session (a code, a recovery code or a passkey): one without a factor is sent
to set one up, one who signed in before setting it up is asked for it again.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from apps.core.admin_site import BastionAdminConfig, BastionAdminSite


class AccountsAdminSite(BastionAdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and (
            not settings.ADMIN_2FA or second_factor_used(request)
        )

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Sends the visitor where the missing step is done, then back to the admin."""
        next_url = _next_url(request)
        user = request.user
        if not user.is_authenticated:
            return _redirect(resolve_url(settings.LOGIN_URL), next_url)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if self.has_permission(request):
            return HttpResponseRedirect(next_url)
        if has_second_factor(user):
            return _redirect(reverse("mfa_reauthenticate"), next_url)
        return _redirect(reverse("mfa_index"), next_url)


class AccountsAdminConfig(BastionAdminConfig):
    default_site = "apps.accounts.admin_site.AccountsAdminSite"


def second_factor_used(request: HttpRequest) -> bool:
    """Whether this session's sign-in (or a later check) used a second factor."""
    from allauth.account.authentication import get_authentication_records

    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def has_second_factor(user: Any) -> bool:
    from allauth.mfa.utils import is_mfa_enabled

    return bool(is_mfa_enabled(user))


def _next_url(request: HttpRequest) -> str:
    default = reverse("admin:index")
    candidate = request.GET.get(REDIRECT_FIELD_NAME, default)
    allowed = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if allowed else default


def _redirect(url: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
