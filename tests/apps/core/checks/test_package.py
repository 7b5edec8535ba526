"""The checks as one gate: production passes them, each finding says how to fix it, boot obeys."""

from __future__ import annotations

import re
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.core.checks import run_checks
from pytest_django import Settings

from apps.core import checks
from apps.core.checks import cors, csp, headers, hosts, https, limits, passwords, sessions
from config import boot
from tests.apps.core.checks import ids
from tests.support.settings import REPO


def deploy_ids() -> set[str]:
    """What `check --deploy` reports: every check, less the silenced ones."""
    return ids(run_checks(include_deployment_checks=True)) - set(settings.SILENCED_SYSTEM_CHECKS)


def ids_written_in(module: str) -> set[str]:
    """The ids a module of apps.core.checks reports, as written in its source."""
    source = Path(str(import_module(f"apps.core.checks.{module}").__file__)).read_text()
    return set(re.findall(r'id="(bastion\.[EW]\d{3})"', source))


def ids_named(text: str) -> set[str]:
    """`W002-W004, E010` as the ids bastion.W002, W003, W004 and E010."""
    named: set[str] = set()
    for kind, first, last in re.findall(r"\b([EW])(\d{3})(?:-[EW](\d{3}))?\b", text):
        named |= {f"bastion.{kind}{n:03}" for n in range(int(first), int(last or first) + 1)}
    return named


def package_map() -> dict[str, set[str]]:
    """The package docstring's table: each module with the ids it says the module holds."""
    rows = [line.split(maxsplit=1) for line in str(checks.__doc__).splitlines()]
    return {row[0]: ids_named(row[1]) for row in rows if len(row) == 2 and ids_named(row[1])}


def test_the_package_docstring_maps_every_id_to_the_module_that_reports_it() -> None:
    mapped = package_map()

    assert {module: ids_written_in(module) for module in mapped} == mapped
    assert set(mapped) == {
        path.stem
        for path in Path(str(checks.__file__)).parent.glob("*.py")
        if ids_written_in(path.stem)
    }


def test_docs_security_md_names_the_module_of_every_id() -> None:
    rows = re.findall(
        r"^\| `(bastion\.[EW]\d{3})` \| `(\w+)` \|",
        (REPO / "docs" / "security.md").read_text(),
        flags=re.MULTILINE,
    )

    assert {(id_, module) for id_, module in rows} == {
        (id_, module) for module, written in package_map().items() for id_ in written
    }


def test_the_production_configuration_passes_every_deploy_check(production: Settings) -> None:
    assert deploy_ids() == set()


def test_every_bastion_check_has_a_hint_that_says_how_to_fix_it(production: Settings) -> None:
    production.USE_SSL = False
    production.CORS_ALLOW_ALL_ORIGINS = True
    production.CORS_ALLOW_CREDENTIALS = True
    production.CONTENT_SECURITY_POLICY = None

    messages = https.check_https() + cors.check_cors() + csp.check_csp()

    assert len(messages) == 4
    assert all(message.hint for message in messages)


def test_every_new_check_says_how_to_fix_it(production: Settings) -> None:
    production.DEBUG = True
    production.ALLOWED_HOSTS = ["*"]
    production.CSRF_TRUSTED_ORIGINS = ["https://*.herokuapp.com"]
    production.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    production.AUTH_PASSWORD_VALIDATORS = []
    production.SESSION_SERIALIZER = "pickle.Pickler"
    production.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    production.SESSION_COOKIE_NAME = "sessionid"
    production.SECURE_REFERRER_POLICY = "unsafe-url"
    production.SECURE_CROSS_ORIGIN_OPENER_POLICY = "unsafe-none"
    production.DEBUG_PROPAGATE_EXCEPTIONS = True
    production.DATA_UPLOAD_MAX_MEMORY_SIZE = None

    messages = [
        *https.check_debug_under_ssl(),
        *hosts.check_hosts(),
        *passwords.check_passwords(),
        *sessions.check_sessions(),
        *headers.check_headers(),
        *limits.check_errors_and_limits(),
    ]

    assert ids(messages) == {"bastion.E023", "bastion.E028"} | {
        f"bastion.W{n:03}" for n in range(24, 35) if n != 28
    }
    assert all(message.hint for message in messages)


def test_the_boot_refuses_every_error_with_status_3_and_one_line_each(
    production: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    production.DEBUG = True
    production.SESSION_SERIALIZER = "pickle.Pickler"
    production.DEBUG_PROPAGATE_EXCEPTIONS = True  # a warning: never stops the server

    with pytest.raises(SystemExit) as stopped:
        boot.refuse_unsafe_configuration()

    lines = capsys.readouterr().err.strip().splitlines()
    assert stopped.value.code == 3
    assert len(lines) == 2
    assert any("(bastion.E023)" in line and "DEBUG" in line for line in lines)
    assert any("(bastion.E028)" in line for line in lines)


def test_the_boot_lets_the_shipped_production_configuration_serve(production: Settings) -> None:
    boot.refuse_unsafe_configuration()
