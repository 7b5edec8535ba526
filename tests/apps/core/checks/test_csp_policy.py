"""The CSP checks judge the policy as a browser applies it."""

from __future__ import annotations

import pytest
from pytest_django import Settings

from apps.core.checks import csp
from tests.apps.core.checks import ids


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

    assert ids(csp.check_csp()) == {"bastion.W007"}


def test_unsafe_inline_in_default_src_counts_when_script_src_is_absent(
    production: Settings,
) -> None:
    _with_directive(production, "script-src", None)
    _with_directive(production, "default-src", ["'self'", "'unsafe-inline'"])

    assert "bastion.W007" in ids(csp.check_csp())


@pytest.mark.parametrize("source", ["*", "https:", "http:", "data:"])
def test_a_wildcard_script_source_fires_w008(production: Settings, source: str) -> None:
    _with_directive(production, "script-src", ["'self'", source])

    assert ids(csp.check_csp()) == {"bastion.W008"}


@pytest.mark.parametrize("directive", ["frame-ancestors", "base-uri", "form-action"])
def test_a_csp_lacking_a_directive_default_src_does_not_cover_fires_w009(
    production: Settings, directive: str
) -> None:
    _with_directive(production, directive, None)

    messages = csp.check_csp()

    assert ids(messages) == {"bastion.W009"}
    assert directive in messages[0].msg


def test_object_src_falls_back_to_default_src_as_browsers_do(production: Settings) -> None:
    _with_directive(production, "object-src", None)

    assert csp.check_csp() == []


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

    assert "bastion.W007" in ids(csp.check_csp())


def test_unsafe_inline_beside_a_nonce_is_ignored_as_browsers_ignore_it(
    production: Settings,
) -> None:
    with_directives(production, style_src=["'self'", "'unsafe-inline'", "'nonce-abc'"])

    assert csp.check_csp() == []


@pytest.mark.parametrize("source", ["https://*", "HTTPS:", "*", "wss:", "http://*:443"])
def test_host_and_scheme_wildcards_fire_w008(production: Settings, source: str) -> None:
    with_directives(production, script_src=["'self'", source])

    assert "bastion.W008" in ids(csp.check_csp())


def test_a_wildcard_in_script_src_elem_fires_w008_even_when_script_src_is_strict(
    production: Settings,
) -> None:
    with_directives(production, script_src_elem=["'self'", "https:"])

    assert "bastion.W008" in ids(csp.check_csp())


def test_strict_dynamic_with_a_nonce_makes_fallback_sources_harmless(
    production: Settings,
) -> None:
    with_directives(
        production, script_src=["'strict-dynamic'", "'nonce-abc'", "https:", "'unsafe-inline'"]
    )

    assert csp.check_csp() == []


def test_a_policy_without_any_script_directive_fires_w008(production: Settings) -> None:
    with_directives(production, script_src=None, default_src=None)

    assert "bastion.W008" in ids(csp.check_csp())


def test_a_missing_form_action_fires_w009_since_default_src_does_not_cover_it(
    production: Settings,
) -> None:
    with_directives(production, form_action=None)

    messages = csp.check_csp()

    assert ids(messages) == {"bastion.W009"}
    assert "form-action" in messages[0].msg


def test_every_subdomain_as_a_script_source_fires_w012(production: Settings) -> None:
    with_directives(production, script_src=["'self'", "https://*.example.com"])

    assert ids(csp.check_csp()) == {"bastion.W012"}


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

    assert "bastion.W013" in ids(csp.check_csp())


def test_a_named_host_of_ones_own_is_quiet(production: Settings) -> None:
    with_directives(production, script_src=["'self'", "https://static.example.com"])

    assert csp.check_csp() == []


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

    assert ids(csp.check_csp()) == {"bastion.W014"}


def test_frame_ancestors_naming_one_partner_is_quiet(production: Settings) -> None:
    with_directives(production, frame_ancestors=["https://partner.example.com"])

    assert csp.check_csp() == []


def test_every_csp_finding_has_a_hint(production: Settings) -> None:
    with_directives(
        production,
        script_src=["'unsafe-inline'", "https:", "*.example.com", "unpkg.com"],
        frame_ancestors=["*"],
        base_uri=None,
    )

    messages = csp.check_csp()

    assert ids(messages) == {f"bastion.W{n:03}" for n in (7, 8, 9, 12, 13, 14)}
    assert all(message.hint for message in messages)
