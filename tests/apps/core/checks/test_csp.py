"""Whether a Content-Security-Policy is sent, and where it is not: W005, W006, W015, W016."""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_exempt, csp_replace
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from pytest_django import Settings

from apps.core.checks import csp
from tests.apps.core.checks import ids

# The project's CSP middleware: django-csp's, extended for PAGE_POLICIES and built once.
PROJECT_CSP_MIDDLEWARE = "apps.core.middleware.CSPMiddleware"


def test_a_missing_csp_fires_w005(production: Settings) -> None:
    production.CONTENT_SECURITY_POLICY = None

    assert ids(csp.check_csp()) == {"bastion.W005"}


def test_a_csp_middleware_that_is_not_installed_fires_w005(production: Settings) -> None:
    production.MIDDLEWARE = [m for m in production.MIDDLEWARE if m != PROJECT_CSP_MIDDLEWARE]

    assert ids(csp.check_csp()) == {"bastion.W005"}


def test_a_subclass_of_django_csps_middleware_counts_as_installed(production: Settings) -> None:
    subclass = "tests.apps.core.test_csp_header.StagingImagesCSPMiddleware"
    production.MIDDLEWARE = [
        subclass if m == PROJECT_CSP_MIDDLEWARE else m for m in production.MIDDLEWARE
    ]

    assert csp.check_csp() == []


def test_a_report_only_csp_without_an_enforced_one_fires_w006(production: Settings) -> None:
    production.CONTENT_SECURITY_POLICY_REPORT_ONLY = production.CONTENT_SECURITY_POLICY
    production.CONTENT_SECURITY_POLICY = None

    assert ids(csp.check_csp()) == {"bastion.W006"}


def test_a_report_only_trial_beside_the_enforced_csp_is_quiet(production: Settings) -> None:
    production.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}

    assert csp.check_csp() == []


def test_the_shipped_csp_is_quiet(production: Settings) -> None:
    assert csp.check_csp() == []


def test_excluded_url_prefixes_fire_w015(production: Settings) -> None:
    production.CONTENT_SECURITY_POLICY = {
        **production.CONTENT_SECURITY_POLICY,
        "EXCLUDE_URL_PREFIXES": ["/admin/"],
    }

    messages = csp.check_csp()

    assert ids(messages) == {"bastion.W015"}
    assert "/admin/" in messages[0].msg


@csp_exempt()
def exempt_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("no policy")


@csp_replace({"script-src": ["*"]})
def replaced_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("weaker policy")


urlpatterns = [path("exempt/", exempt_view), path("replaced/", replaced_view)]


def test_views_wrapped_by_django_csp_decorators_fire_w016_naming_each(
    production: Settings,
) -> None:
    production.ROOT_URLCONF = __name__

    messages = csp.check_csp()

    assert ids(messages) == {"bastion.W016"}
    assert "/exempt/ (@csp_exempt)" in messages[0].msg
    assert "/replaced/ (@csp_replace)" in messages[0].msg


def test_the_projects_own_urls_use_no_csp_decorator(production: Settings) -> None:
    assert list(csp.decorated_views()) == []


def test_the_admins_replacement_policy_is_judged_too(production: Settings) -> None:
    production.ADMIN_CONTENT_SECURITY_POLICY_DIRECTIVES = {
        "script-src": ["'self'", "'unsafe-inline'"],
        "require-trusted-types-for": None,
    }

    messages = csp.check_csp()

    assert ids(messages) == {"bastion.W007"}
    assert "of the admin" in messages[0].msg


def test_the_admin_views_carry_the_admins_policy(admin_client: Any) -> None:
    response = admin_client.get(reverse("admin:accounts_user_changelist"))

    assert "'strict-dynamic'" not in response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
    assert "require-trusted-types-for" not in response["Content-Security-Policy"]
