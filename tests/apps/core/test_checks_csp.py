"""The CSP checks judge the policy as a browser applies it."""

from __future__ import annotations

from typing import Any

import pytest
from csp.decorators import csp_exempt, csp_replace
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from pytest_django import Settings

from apps.core import checks, csp_rules


def ids(messages: list[Any]) -> set[str]:
    return {str(message.id) for message in messages}


def with_directives(settings: Settings, **directives: list[str] | None) -> None:
    policy = settings.CONTENT_SECURITY_POLICY
    merged = dict(policy["DIRECTIVES"])
    for name, sources in directives.items():
        key = name.replace("_", "-")
        if sources is None:
            merged.pop(key, None)
        else:
            merged[key] = sources
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": merged}


@pytest.mark.parametrize(
    "directives",
    [
        {"script_src_elem": ["'self'", "'unsafe-inline'"]},
        {"script_src_attr": ["'unsafe-inline'"]},
        {"style_src_elem": ["'self'", "'UNSAFE-INLINE'"]},
        {"style_src_attr": ["'Unsafe-Inline'"]},
        {"script_src": ["'self'", "'Unsafe-Eval'"]},
    ],
)
def test_unsafe_keywords_in_any_element_or_attribute_directive_fire_w007(
    production: Settings, directives: dict[str, list[str]]
) -> None:
    with_directives(production, **directives)

    assert "bastion.W007" in ids(checks.check_csp())


def test_unsafe_inline_beside_a_nonce_is_ignored_as_browsers_ignore_it(
    production: Settings,
) -> None:
    with_directives(production, style_src=["'self'", "'unsafe-inline'", "'nonce-abc'"])

    assert checks.check_csp() == []


@pytest.mark.parametrize("source", ["https://*", "HTTPS:", "*", "wss:", "http://*:443"])
def test_host_and_scheme_wildcards_fire_w008(production: Settings, source: str) -> None:
    with_directives(production, script_src=["'self'", source])

    assert "bastion.W008" in ids(checks.check_csp())


def test_a_wildcard_in_script_src_elem_fires_w008_even_when_script_src_is_strict(
    production: Settings,
) -> None:
    with_directives(production, script_src_elem=["'self'", "https:"])

    assert "bastion.W008" in ids(checks.check_csp())


def test_strict_dynamic_with_a_nonce_makes_fallback_sources_harmless(
    production: Settings,
) -> None:
    with_directives(
        production, script_src=["'strict-dynamic'", "'nonce-abc'", "https:", "'unsafe-inline'"]
    )

    assert checks.check_csp() == []


def test_a_policy_without_any_script_directive_fires_w008(production: Settings) -> None:
    with_directives(production, script_src=None, default_src=None)

    assert "bastion.W008" in ids(checks.check_csp())


def test_a_missing_form_action_fires_w009_since_default_src_does_not_cover_it(
    production: Settings,
) -> None:
    with_directives(production, form_action=None)

    messages = checks.check_csp()

    assert ids(messages) == {"bastion.W009"}
    assert "form-action" in messages[0].msg


def test_every_subdomain_as_a_script_source_fires_w012(production: Settings) -> None:
    with_directives(production, script_src=["'self'", "https://*.example.com"])

    assert ids(checks.check_csp()) == {"bastion.W012"}


@pytest.mark.parametrize(
    "source",
    [
        "https://ajax.googleapis.com",
        "cdnjs.cloudflare.com",
        "https://cdn.jsdelivr.net/npm/",
        "https://www.google.com",
        "*.herokuapp.com",
        "https://herokuapp.com",
        "https://*.s3.amazonaws.com",
    ],
)
def test_a_gadget_or_shared_host_as_a_script_source_fires_w013(
    production: Settings, source: str
) -> None:
    with_directives(production, script_src=["'self'", source])

    assert "bastion.W013" in ids(checks.check_csp())


def test_a_named_host_of_ones_own_is_quiet(production: Settings) -> None:
    with_directives(production, script_src=["'self'", "https://static.example.com"])

    assert checks.check_csp() == []


@pytest.mark.parametrize(
    "directives",
    [
        {"frame_ancestors": ["*"]},
        {"frame_ancestors": ["https:"]},
        {"form_action": ["'self'", "https://*"]},
        {"base_uri": ["*.com"]},
    ],
)
def test_a_directive_without_fallback_opened_to_any_site_fires_w014(
    production: Settings, directives: dict[str, list[str]]
) -> None:
    with_directives(production, **directives)

    assert ids(checks.check_csp()) == {"bastion.W014"}


def test_frame_ancestors_naming_one_partner_is_quiet(production: Settings) -> None:
    with_directives(production, frame_ancestors=["https://partner.example.com"])

    assert checks.check_csp() == []


def test_excluded_url_prefixes_fire_w015(production: Settings) -> None:
    production.CONTENT_SECURITY_POLICY = {
        **production.CONTENT_SECURITY_POLICY,
        "EXCLUDE_URL_PREFIXES": ["/admin/"],
    }

    messages = checks.check_csp()

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

    messages = checks.check_csp()

    assert ids(messages) == {"bastion.W016"}
    assert "/exempt/ (@csp_exempt)" in messages[0].msg
    assert "/replaced/ (@csp_replace)" in messages[0].msg


def test_the_projects_own_urls_use_no_csp_decorator(production: Settings) -> None:
    assert list(csp_rules.decorated_views()) == []


def test_every_csp_finding_has_a_hint(production: Settings) -> None:
    with_directives(
        production,
        script_src=["'unsafe-inline'", "https:", "*.example.com", "unpkg.com"],
        frame_ancestors=["*"],
        base_uri=None,
    )

    messages = checks.check_csp()

    assert ids(messages) == {f"bastion.W{n:03}" for n in (7, 8, 9, 12, 13, 14)}
    assert all(message.hint for message in messages)


def test_the_admins_replacement_policy_is_judged_too(production: Settings) -> None:
    production.ADMIN_CONTENT_SECURITY_POLICY_DIRECTIVES = {
        "script-src": ["'self'", "'unsafe-inline'"],
        "require-trusted-types-for": None,
    }

    messages = checks.check_csp()

    assert ids(messages) == {"bastion.W007"}
    assert "of the admin" in messages[0].msg


def test_the_admin_views_carry_the_admins_policy(admin_client: Any) -> None:
    response = admin_client.get(reverse("admin:accounts_user_changelist"))

    assert "'strict-dynamic'" not in response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
    assert "require-trusted-types-for" not in response["Content-Security-Policy"]
