"""
The Django admin, under the Content-Security-Policy it works under.

The site's own pages get a strict policy: only scripts that carry the
response's nonce run ('strict-dynamic'), and DOM sinks such as innerHTML take
Trusted Types only. The admin loads its scripts with plain `<script src>`
tags and writes HTML with innerHTML (jQuery, SelectBox.js), so every admin
view replaces those two directives with ADMIN_CONTENT_SECURITY_POLICY_DIRECTIVES,
through django-csp's documented `csp_replace` decorator. The deploy checks
judge that policy as they judge the site's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse

View = TypeVar("View", bound=Callable[..., Any])

# Marks the views whose policy is the admin's, which the deploy checks know.
ADMIN_POLICY_MARK = "bastion_admin_policy"


def with_admin_policy(view: Callable[..., Any]) -> Callable[..., Any]:
    wrapped = csp_replace(settings.ADMIN_CONTENT_SECURITY_POLICY_DIRECTIVES)(view)
    setattr(wrapped, ADMIN_POLICY_MARK, True)
    return wrapped


# Apps that keep the site running rather than hold its content: listed after the rest.
PLUMBING_APPS = {"axes", "otp_static", "otp_totp", "django_tasks_database"}


class BastionAdminSite(admin.AdminSite):
    # The header, the <title> and the index name the site, not the framework.
    site_header = "Bastion administration"
    site_title = "Bastion admin"
    index_title = "Bastion"

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        """The project's own apps and the users first, the plumbing last (each sorted by name)."""
        apps = super().get_app_list(request, app_label)
        return sorted(apps, key=lambda app: app["app_label"] in PLUMBING_APPS)

    def admin_view(self, view: View, cacheable: bool = False) -> View:
        return cast(View, with_admin_policy(super().admin_view(view, cacheable)))

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The login view is the one admin view Django does not pass through admin_view.
        view = with_admin_policy(super().login)
        response: HttpResponse = view(request, extra_context)
        return response


class BastionAdminConfig(AdminConfig):
    default_site = "apps.core.admin_site.BastionAdminSite"
