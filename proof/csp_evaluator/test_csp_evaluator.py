"""
Google's CSP Evaluator (npm csp_evaluator, pinned in package.json) as an outside judge.

Every policy the project sends, the admin's included, has no HIGH or MEDIUM
finding; and of a set of planted weak policies, every one the evaluator
rates HIGH (or MEDIUM) is also refused by the release gate (a bastion check fires).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from apps.core.checks import csp as checks
from apps.core.checks import page_policies as page_policy_checks
from proof.harness import unavailable
from tests.support.settings import apply_production_settings

HERE = Path(__file__).resolve().parent
EVALUATOR_VERSION = "1.1.8"
FAILING = {"HIGH", "MEDIUM"}


@pytest.fixture(scope="session")
def node() -> str:
    node = shutil.which("node")
    npm = shutil.which("npm")
    if node is None or npm is None:
        unavailable("Node.js and npm are needed to run Google's CSP Evaluator")
    manifest = HERE / "node_modules" / "csp_evaluator" / "package.json"
    if not manifest.is_file() or json.loads(manifest.read_text())["version"] != EVALUATOR_VERSION:
        subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=HERE,
            check=True,
            timeout=300,
        )
    return node


def rate(node: str, headers: list[str]) -> list[list[dict[str, Any]]]:
    result = subprocess.run(
        [node, str(HERE / "evaluate.js")],
        input=json.dumps(headers),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    rated: list[list[dict[str, Any]]] = json.loads(result.stdout)
    return rated


def severities(findings: list[dict[str, Any]]) -> set[str]:
    return {finding["severity"] for finding in findings}


def project_pages(client: Client, settings: Settings) -> dict[str, str]:
    """The CSP header of each of the project's own pages, the admin's included."""
    admin = get_user_model().objects.create_superuser(
        "judge", "judge@example.com", "a long passphrase 42"
    )
    pages = {
        "healthz": "/healthz",
        "404 page": "/no-such-page/",
        "favicon": "/favicon.ico",
        "admin login": reverse("admin:login"),
    }
    headers = {
        name: client.get(path, secure=True)["Content-Security-Policy"]
        for name, path in pages.items()
    }
    client.force_login(admin)
    # The admin's pages, as staff reach them once past the second factor.
    settings.ADMIN_2FA = False
    for name, path in {
        "admin index": reverse("admin:index"),
        "admin change list": reverse("admin:accounts_user_changelist"),
        "admin change form": reverse("admin:accounts_user_change", args=[admin.pk]),
        "admin add form": reverse("admin:accounts_user_add"),
    }.items():
        response = client.get(path, secure=True)
        assert response.status_code == 200, name
        headers[name] = response["Content-Security-Policy"]
    return headers


@pytest.mark.django_db
def test_every_page_policy_has_no_high_or_medium_finding(
    node: str, settings: Settings, client: Client
) -> None:
    apply_production_settings(settings)
    pages = project_pages(client, settings)

    rated = dict(zip(pages, rate(node, list(pages.values())), strict=True))

    assert "'strict-dynamic'" in pages["404 page"]
    assert "require-trusted-types-for 'script'" in pages["404 page"]
    assert "'strict-dynamic'" not in pages["admin change form"]
    failing = {
        name: [f for f in findings if f["severity"] in FAILING] for name, findings in rated.items()
    }
    assert failing == {name: [] for name in pages}


WIDGET = "https://js.pay.example"


@pytest.mark.django_db
def test_a_page_policy_that_adds_a_widget_has_no_high_or_medium_finding(
    node: str, settings: Settings, client: Client
) -> None:
    apply_production_settings(settings)
    settings.PAGE_POLICIES = {
        "/no-such-page/": {
            "csp": {"frame-src": [WIDGET], "connect-src": [WIDGET], "script-src": [WIDGET]},
            "permissions": {"payment": ["self", WIDGET]},
        }
    }

    header = client.get("/no-such-page/", secure=True)["Content-Security-Policy"]
    [findings] = rate(node, [header])

    assert f"frame-src {WIDGET}" in header
    assert page_policy_checks.check_page_policies() == []
    assert [f for f in findings if f["severity"] in FAILING] == []


BASE: dict[str, list[str]] = {
    "default-src": ["'none'"],
    "script-src": ["'nonce-R4nd0mN0nc3V4lu3'", "'strict-dynamic'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}

# Each: directives changed from BASE (None removes one).
PLANTED: dict[str, dict[str, list[str] | None]] = {
    "unsafe-inline": {"script-src": ["'self'", "'unsafe-inline'"]},
    "unsafe-inline in capitals": {"script-src": ["'self'", "'UNSAFE-INLINE'"]},
    "unsafe-eval": {"script-src": ["'self'", "'unsafe-eval'"]},
    "https: scheme": {"script-src": ["'self'", "https:"]},
    "data: scheme": {"script-src": ["'self'", "data:"]},
    "wildcard": {"script-src": ["'self'", "*"]},
    "host wildcard": {"script-src": ["'self'", "https://*"]},
    "googleapis jsonp": {"script-src": ["'self'", "https://ajax.googleapis.com"]},
    "cdnjs angular": {"script-src": ["'self'", "https://cdnjs.cloudflare.com"]},
    "jsdelivr": {"script-src": ["'self'", "https://cdn.jsdelivr.net"]},
    "google.com jsonp": {"script-src": ["'self'", "https://www.google.com"]},
    "every googleapis host": {"script-src": ["'self'", "*.googleapis.com"]},
    "plain http host": {"script-src": ["'self'", "http://cdn.example.com"]},
    "no base-uri": {"base-uri": None},
    "no object-src nor default-src": {"object-src": None, "default-src": None},
    "no script-src nor default-src": {"script-src": None, "default-src": None},
    "unsafe-inline in default-src only": {
        "script-src": None,
        "default-src": ["'self'", "'unsafe-inline'"],
    },
    "unsafe-inline in script-src-elem": {"script-src-elem": ["'self'", "'unsafe-inline'"]},
    "object-src wildcard": {"object-src": ["*"]},
    "framed by anyone": {"frame-ancestors": ["*"]},
}


def planted(changes: dict[str, list[str] | None]) -> dict[str, list[str]]:
    directives = {**BASE, **changes}
    return {name: sources for name, sources in directives.items() if sources is not None}


def header(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def test_the_gate_refuses_every_planted_policy_the_evaluator_rates_high_or_medium(
    node: str, settings: Settings
) -> None:
    apply_production_settings(settings)
    policies = {name: planted(changes) for name, changes in PLANTED.items()}

    rated = dict(zip(policies, rate(node, [header(p) for p in policies.values()]), strict=True))
    high = [name for name, findings in rated.items() if "HIGH" in severities(findings)]
    judged = [name for name, findings in rated.items() if severities(findings) & FAILING]
    missed = []
    for name in judged:
        settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": policies[name]}
        if not checks.check_csp():
            missed.append(name)

    assert len(high) >= 12, f"the evaluator rated only these HIGH: {high}"
    assert missed == []


def test_the_evaluator_itself_passes_the_strict_base_policy(node: str) -> None:
    (findings,) = rate(node, [header(BASE)])

    assert severities(findings) & FAILING == set()
