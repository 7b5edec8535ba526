"""Bastion's system checks: each one fires on its misconfiguration and stays quiet otherwise."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.checks import CheckMessage, run_checks
from pytest_django import Settings

from apps.core import checks


def ids(messages: list[CheckMessage]) -> set[str]:
    return {str(message.id) for message in messages}


def deploy_ids() -> set[str]:
    """What `check --deploy` reports: every check, less the silenced ones."""
    return ids(run_checks(include_deployment_checks=True)) - set(settings.SILENCED_SYSTEM_CHECKS)


def test_the_production_configuration_passes_every_deploy_check(production: Settings) -> None:
    assert deploy_ids() == set()


def test_use_ssl_off_in_a_deploy_fires_w001(production: Settings) -> None:
    production.USE_SSL = False

    assert ids(checks.check_https()) == {"bastion.W001"}


def test_preload_without_a_year_and_subdomains_fires_e010(production: Settings) -> None:
    production.SECURE_HSTS_PRELOAD = True

    assert ids(checks.check_https()) == {"bastion.E010"}


def test_preload_with_a_year_and_subdomains_is_accepted(production: Settings) -> None:
    production.SECURE_HSTS_PRELOAD = True
    production.SECURE_HSTS_SECONDS = 31536000
    production.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    assert checks.check_https() == []


def test_preload_with_a_year_but_no_subdomains_fires_e010(production: Settings) -> None:
    production.SECURE_HSTS_PRELOAD = True
    production.SECURE_HSTS_SECONDS = 63072000

    assert ids(checks.check_https()) == {"bastion.E010"}


def test_plain_http_csrf_trusted_origin_under_use_ssl_fires_w011(production: Settings) -> None:
    production.CSRF_TRUSTED_ORIGINS = ["https://ok.example.com", "http://app.example.com"]

    messages = checks.check_https()

    assert ids(messages) == {"bastion.W011"}
    assert "http://app.example.com" in messages[0].msg
    assert "https://ok.example.com" not in messages[0].msg


def test_https_csrf_trusted_origins_are_quiet(production: Settings) -> None:
    production.CSRF_TRUSTED_ORIGINS = ["https://app.example.com"]

    assert checks.check_https() == []


def test_cors_allowing_every_origin_fires_w002(production: Settings) -> None:
    production.CORS_ALLOW_ALL_ORIGINS = True

    assert ids(checks.check_cors()) == {"bastion.W002"}


def test_cors_with_a_plain_http_origin_under_use_ssl_fires_w003(production: Settings) -> None:
    production.CORS_ALLOWED_ORIGINS = ["http://app.example.com"]

    assert ids(checks.check_cors()) == {"bastion.W003"}


def test_cors_with_https_origins_is_quiet(production: Settings) -> None:
    production.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    production.CORS_ALLOW_CREDENTIALS = True

    assert checks.check_cors() == []


def test_http_cors_origins_are_fine_while_developing_without_ssl(settings: Settings) -> None:
    settings.USE_SSL = False
    settings.CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]

    assert checks.check_cors() == []


@pytest.mark.parametrize("regex", [r".*", r"^https://.*$", r"https://.*\.example\.com", r".+"])
def test_cors_credentials_with_a_wildcard_like_regex_fires_w004(
    production: Settings, regex: str
) -> None:
    production.CORS_ALLOW_CREDENTIALS = True
    production.CORS_ALLOWED_ORIGIN_REGEXES = [regex]

    assert "bastion.W004" in ids(checks.check_cors())


def test_cors_credentials_with_an_anchored_regex_are_quiet(production: Settings) -> None:
    production.CORS_ALLOW_CREDENTIALS = True
    production.CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://(app|admin)\.example\.com$"]

    assert checks.check_cors() == []


def test_cors_wildcard_regex_without_credentials_does_not_fire_w004(production: Settings) -> None:
    production.CORS_ALLOWED_ORIGIN_REGEXES = [r".*"]

    assert "bastion.W004" not in ids(checks.check_cors())


# django-csp's middleware, as the project installs it (with each policy built once).
INSTALLED_CSP_MIDDLEWARE = "apps.core.middleware.CSPMiddleware"


def test_a_missing_csp_fires_w005(production: Settings) -> None:
    production.CONTENT_SECURITY_POLICY = None

    assert ids(checks.check_csp()) == {"bastion.W005"}


def test_a_csp_middleware_that_is_not_installed_fires_w005(production: Settings) -> None:
    production.MIDDLEWARE = [m for m in production.MIDDLEWARE if m != INSTALLED_CSP_MIDDLEWARE]

    assert ids(checks.check_csp()) == {"bastion.W005"}


def test_a_subclass_of_django_csps_middleware_counts_as_installed(production: Settings) -> None:
    subclass = "tests.apps.core.test_csp_header.StagingImagesCSPMiddleware"
    production.MIDDLEWARE = [
        subclass if m == INSTALLED_CSP_MIDDLEWARE else m for m in production.MIDDLEWARE
    ]

    assert checks.check_csp() == []


def test_a_report_only_csp_without_an_enforced_one_fires_w006(production: Settings) -> None:
    production.CONTENT_SECURITY_POLICY_REPORT_ONLY = production.CONTENT_SECURITY_POLICY
    production.CONTENT_SECURITY_POLICY = None

    assert ids(checks.check_csp()) == {"bastion.W006"}


def test_a_report_only_trial_beside_the_enforced_csp_is_quiet(production: Settings) -> None:
    production.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'none'"]}}

    assert checks.check_csp() == []


def _with_directive(settings: Settings, name: str, sources: list[str] | None) -> None:
    policy = settings.CONTENT_SECURITY_POLICY
    directives = dict(policy["DIRECTIVES"])
    if sources is None:
        directives.pop(name)
    else:
        directives[name] = sources
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}


@pytest.mark.parametrize(
    ("directive", "sources"),
    [
        ("script-src", ["'self'", "'unsafe-inline'"]),
        ("script-src", ["'self'", "'unsafe-eval'"]),
        ("style-src", ["'self'", "'unsafe-inline'"]),
    ],
)
def test_unsafe_inline_or_eval_fires_w007(
    production: Settings, directive: str, sources: list[str]
) -> None:
    _with_directive(production, directive, sources)

    assert ids(checks.check_csp()) == {"bastion.W007"}


def test_unsafe_inline_in_default_src_counts_when_script_src_is_absent(
    production: Settings,
) -> None:
    _with_directive(production, "script-src", None)
    _with_directive(production, "default-src", ["'self'", "'unsafe-inline'"])

    assert "bastion.W007" in ids(checks.check_csp())


@pytest.mark.parametrize("source", ["*", "https:", "http:", "data:"])
def test_a_wildcard_script_source_fires_w008(production: Settings, source: str) -> None:
    _with_directive(production, "script-src", ["'self'", source])

    assert ids(checks.check_csp()) == {"bastion.W008"}


@pytest.mark.parametrize("directive", ["frame-ancestors", "base-uri", "form-action"])
def test_a_csp_lacking_a_directive_default_src_does_not_cover_fires_w009(
    production: Settings, directive: str
) -> None:
    _with_directive(production, directive, None)

    messages = checks.check_csp()

    assert ids(messages) == {"bastion.W009"}
    assert directive in messages[0].msg


def test_object_src_falls_back_to_default_src_as_browsers_do(production: Settings) -> None:
    _with_directive(production, "object-src", None)

    assert checks.check_csp() == []


def test_the_shipped_csp_is_quiet(production: Settings) -> None:
    assert checks.check_csp() == []


def test_a_weak_secret_key_with_debug_off_fires_e001_even_without_deploy(
    settings: Settings,
) -> None:
    settings.DEBUG = False
    settings.SECRET_KEY = "short"

    assert "bastion.E001" in ids(run_checks())


def test_a_strong_secret_key_is_quiet(settings: Settings) -> None:
    settings.DEBUG = False

    assert checks.check_secret_key() == []


def test_every_bastion_check_has_a_hint_that_says_how_to_fix_it(production: Settings) -> None:
    production.USE_SSL = False
    production.CORS_ALLOW_ALL_ORIGINS = True
    production.CORS_ALLOW_CREDENTIALS = True
    production.CONTENT_SECURITY_POLICY = None

    messages = checks.check_https() + checks.check_cors() + checks.check_csp()

    assert len(messages) == 4
    assert all(message.hint for message in messages)
