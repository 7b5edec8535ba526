"""PAGE_POLICIES: each page's widened policy is sent, and judged by `check --deploy`."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest
from csp.decorators import csp_update
from django.core.checks import CheckMessage
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from pytest_django import Settings

from apps.core.checks import csp as checks
from apps.core.checks import page_policies as page_policy_checks
from apps.core.middleware import CSPMiddleware

WIDGET = "https://js.pay.example"
SAFE = {
    "/checkout/": {
        "csp": {"frame-src": [WIDGET], "connect-src": [WIDGET + "/v1/"]},
        "permissions": {"payment": ["self", WIDGET]},
    }
}


def ids(messages: list[CheckMessage]) -> set[str]:
    return {str(message.id) for message in messages}


def deploy_check() -> None:
    call_command("check", "--deploy", "--fail-level", "WARNING", verbosity=0)


def with_page(production: Settings, csp: dict[str, list[str]], **extra: Any) -> Settings:
    production.PAGE_POLICIES = {"/checkout/": {"csp": csp, **extra}}
    return production


def test_a_safe_widening_passes_the_deploy_check(production: Settings) -> None:
    production.PAGE_POLICIES = SAFE

    deploy_check()
    assert page_policy_checks.check_page_policies() == []


def test_a_declared_page_does_not_count_as_a_view_decorated_with_csp_update(
    production: Settings,
) -> None:
    production.PAGE_POLICIES = SAFE

    assert "bastion.W016" not in ids(checks.check_csp())


@pytest.mark.parametrize(
    ("csp", "found"),
    [
        ({"script-src": ["'unsafe-eval'"]}, "bastion.W200"),
        ({"style-src-attr": ["'unsafe-inline'"]}, "bastion.W200"),
        ({"frame-src": ["*"]}, "bastion.W201"),
        ({"connect-src": ["https:"]}, "bastion.W201"),
        ({"frame-src": ["http://js.pay.example"]}, "bastion.W201"),
        ({"script-src": ["http://js.pay.example"]}, "bastion.W201"),
        ({"connect-src": ["https://*.pay.example"]}, "bastion.W201"),
        ({"frame-src": ["https://github.io"]}, "bastion.W201"),
        ({"frame-ancestors": ["*"]}, "bastion.W200"),
        ({"frame-sources": [WIDGET]}, "bastion.W204"),
    ],
)
def test_an_unsafe_widening_fails_the_deploy_check_naming_the_page(
    production: Settings, csp: dict[str, list[str]], found: str
) -> None:
    with_page(production, csp)

    messages = page_policy_checks.check_page_policies()
    with pytest.raises(SystemCheckError, match="/checkout/"):
        deploy_check()
    assert found in ids(messages)
    assert all("/checkout/" in message.msg for message in messages)


def test_unsafe_inline_beside_the_nonce_is_not_honoured_so_it_passes(
    production: Settings,
) -> None:
    with_page(production, {"script-src": ["'unsafe-inline'"]})

    assert page_policy_checks.check_page_policies() == []


def test_a_widening_of_the_admins_pages_is_judged_on_the_admins_policy(
    production: Settings,
) -> None:
    # The admin's script-src has no 'strict-dynamic': a host added there is honoured.
    production.PAGE_POLICIES = {
        "/" + production.ADMIN_URL: {"csp": {"script-src": ["https://ajax.googleapis.com"]}}
    }

    messages = page_policy_checks.check_page_policies()

    assert ids(messages) == {"bastion.W200"}
    assert "bastion.W013" in messages[0].msg


def test_inline_images_from_data_and_blob_urls_pass(production: Settings) -> None:
    with_page(production, {"img-src": ["data:", "blob:"], "media-src": ["blob:"]})

    assert page_policy_checks.check_page_policies() == []


def test_a_feature_allowed_to_every_origin_is_reported(production: Settings) -> None:
    with_page(production, {}, permissions={"camera": ["*"]})

    assert ids(page_policy_checks.check_page_policies()) == {"bastion.W203"}


def test_an_unknown_feature_is_an_error_before_any_page_fails(production: Settings) -> None:
    with_page(production, {}, permissions={"paymnet": ["self"]})

    assert ids(page_policy_checks.check_page_policies()) == {"bastion.E061"}


@pytest.mark.parametrize(
    "declared",
    [
        {"checkout/": {"csp": {}}},
        {"/checkout/": {"scripts": {}}},
        {"/checkout/": {"csp": {"frame-src": WIDGET}}},
    ],
)
def test_a_malformed_declaration_is_an_error(production: Settings, declared: Any) -> None:
    production.PAGE_POLICIES = declared

    assert ids(page_policy_checks.check_page_policies()) == {"bastion.E060"}


def test_pages_declared_without_the_projects_middleware_are_reported(
    production: Settings,
) -> None:
    production.PAGE_POLICIES = SAFE
    production.MIDDLEWARE = [
        "csp.middleware.CSPMiddleware" if m == "apps.core.middleware.CSPMiddleware" else m
        for m in production.MIDDLEWARE
    ]

    assert ids(page_policy_checks.check_page_policies()) == {"bastion.W202"}


def directives(header: str) -> dict[str, str]:
    pairs = (part.strip().partition(" ") for part in header.split(";"))
    return {name: value for name, _, value in pairs}


def test_a_page_under_the_prefix_gets_the_added_sources_and_features(
    client: Client, settings: Settings
) -> None:
    settings.PAGE_POLICIES = {"/healthz": SAFE["/checkout/"]}

    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.OK
    policy = directives(response["Content-Security-Policy"])
    assert policy["frame-src"] == WIDGET
    assert policy["connect-src"] == f"'self' {WIDGET}/v1/"
    assert policy["default-src"] == "'none'"
    assert f'payment=(self "{WIDGET}")' in response["Permissions-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_a_page_outside_every_prefix_keeps_the_sites_policies(
    client: Client, settings: Settings
) -> None:
    settings.PAGE_POLICIES = SAFE

    response = client.get("/healthz")

    assert "frame-src" not in response["Content-Security-Policy"]
    assert "payment=()" in response["Permissions-Policy"]


def test_the_longest_matching_prefix_wins(client: Client, settings: Settings) -> None:
    settings.PAGE_POLICIES = {
        "/": {"csp": {"img-src": ["https://images.example"]}},
        "/healthz": {"csp": {"frame-src": [WIDGET]}},
    }

    policy = directives(client.get("/healthz")["Content-Security-Policy"])

    assert policy["frame-src"] == WIDGET
    assert policy["img-src"] == "'self'"


def test_a_views_own_csp_update_is_kept_beside_the_pages_sources(settings: Settings) -> None:
    @csp_update({"img-src": ["https://images.example"]})
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    settings.PAGE_POLICIES = {"/checkout/": {"csp": {"img-src": [WIDGET]}}}

    response = CSPMiddleware(view)(RequestFactory().get("/checkout/pay"))

    assert isinstance(response, HttpResponse)
    assert directives(response["Content-Security-Policy"])["img-src"] == (
        f"'self' https://images.example {WIDGET}"
    )
