"""
app.json, read by the Deploy to Heroku button, review apps and Heroku CI.

Checked for what a user of the button would notice. Fast: nothing is deployed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from typing import Any

from django.http.request import validate_host
from packaging.specifiers import SpecifierSet

from config.env import HSTS_STAGES, Env
from tests.support.heroku import APP_HOST, app_json, config_vars
from tests.support.settings import REPO

SECOND_MANIFESTS = ("requirements.txt", "Pipfile", "Pipfile.lock", "poetry.lock", "runtime.txt")


def all_env_blocks() -> dict[str, dict[str, Any]]:
    app = app_json()
    blocks = {"app": app["env"]}
    for name, environment in app.get("environments", {}).items():
        blocks[name] = environment.get("env", {})
    return blocks


def settings_under(config: dict[str, str]) -> dict[str, Any]:
    """Django's settings in a fresh process given only these config vars."""
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'ALLOWED_HOSTS': s.ALLOWED_HOSTS, "
        "'SECURE_SSL_REDIRECT': s.SECURE_SSL_REDIRECT, "
        "'SECURE_PROXY_SSL_HEADER': s.SECURE_PROXY_SSL_HEADER, "
        "'SECURE_HSTS_SECONDS': s.SECURE_HSTS_SECONDS, "
        "'SESSION_COOKIE_NAME': s.SESSION_COOKIE_NAME, "
        "'CSRF_COOKIE_NAME': s.CSRF_COOKIE_NAME, "
        "'SSLMODE': s.DATABASES['default']['OPTIONS'].get('sslmode')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=clean_environment(config),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    settings: dict[str, Any] = json.loads(result.stdout)
    return settings


def clean_environment(config: dict[str, str]) -> dict[str, str]:
    """This interpreter's PATH, the config vars, and no developer .env."""
    return {
        "PATH": os.environ["PATH"],
        "ENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **config,
    }


def button_config() -> dict[str, str]:
    """What the button sets: app.json's env, and the add-on's DATABASE_URL."""
    return {
        **config_vars(app_json()["env"]),
        "DATABASE_URL": "postgres://user:password@db.example.invalid:5432/app",
    }


def test_heroku_generates_the_secret_key_and_none_is_committed() -> None:
    secret_key = app_json()["env"]["SECRET_KEY"]

    assert secret_key["generator"] == "secret"
    assert "value" not in secret_key


def test_every_config_var_explains_itself_on_the_deploy_form() -> None:
    unexplained = [
        f"{block}.{name}"
        for block, env in all_env_blocks().items()
        for name, spec in env.items()
        if not spec.get("description", "").strip()
    ]

    assert unexplained == []


def test_every_config_var_is_one_the_app_or_gunicorn_reads() -> None:
    gunicorn = re.findall(r'os\.environ\.get\("([A-Z_]+)"', (REPO / "gunicorn.conf.py").read_text())
    known = set(Env.model_fields) | set(gunicorn)

    unknown = {
        f"{block}.{name}"
        for block, env in all_env_blocks().items()
        for name in env
        if name not in known
    }

    assert unknown == set(), "a config var nobody reads is silently ignored"


def test_https_is_on_from_the_first_deploy_with_hsts_at_its_first_stage() -> None:
    env = app_json()["env"]
    first_stage = min(
        (stage for stage, seconds in HSTS_STAGES.items() if seconds), key=HSTS_STAGES.__getitem__
    )

    assert env["USE_SSL"]["value"] == "true"
    assert env["HSTS_STAGE"]["value"] == first_stage


def test_the_button_configuration_serves_https_only_with_host_prefixed_cookies() -> None:
    settings = settings_under(button_config())

    assert settings["SECURE_SSL_REDIRECT"] is True
    # HTTPS is gunicorn's call (X-Forwarded-Proto from FORWARDED_ALLOW_IPS), not Django's.
    assert settings["SECURE_PROXY_SSL_HEADER"] is None
    assert settings["SECURE_HSTS_SECONDS"] == HSTS_STAGES["hour"]
    assert settings["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert settings["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert settings["SSLMODE"] == "require"


def test_the_button_configuration_answers_on_any_herokuapp_address_and_no_other() -> None:
    allowed = settings_under(button_config())["ALLOWED_HOSTS"]

    assert validate_host(APP_HOST, allowed)
    assert validate_host("bastion-pr-12-0a1b2c3d4e5f.herokuapp.com", allowed), "review apps"
    assert not validate_host("herokuapp.com.evil.example", allowed)
    assert not validate_host("evil.example", allowed)


def test_the_button_configuration_passes_the_release_phase_deploy_checks() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO,
        # The release phase runs in a dyno: Heroku sets DYNO there too.
        env=clean_environment({**button_config(), "DYNO": "release.1"}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_postgres_add_on_is_declared_since_psycopg_3_is_not_detected() -> None:
    app = app_json()
    attached = {addon["plan"]: addon.get("as") for addon in app["addons"]}

    assert attached["heroku-postgresql:essential-0"] == "DATABASE", "DATABASE_URL is what is read"
    assert app["env"]["DATABASE_SSL_REQUIRE"]["value"] == "true"


def test_heroku_ci_runs_the_suite_on_an_in_dyno_database() -> None:
    test = app_json()["environments"]["test"]
    markers = {
        line.split(":")[0]
        for line in tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"][
            "ini_options"
        ]["markers"]
    }
    deselected = set(re.findall(r"not (\w+)", test["scripts"]["test"]))

    assert test["addons"] == ["heroku-postgresql:in-dyno"]
    assert "pytest" in test["scripts"]["test"]
    # Heroku CI has no Chromium and no PostgreSQL superuser for the deploy emulations.
    assert deselected == {"browser", "deploy"}
    assert deselected <= markers, "a renamed marker would silently select every test"


def test_the_buildpack_finds_one_dependency_manifest_and_a_major_python_version() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    python_version = (REPO / ".python-version").read_text().strip()

    assert [name for name in SECOND_MANIFESTS if (REPO / name).exists()] == []
    assert (REPO / "uv.lock").is_file()
    assert re.fullmatch(r"3\.(11|12|13|14)", python_version), "the buildpack supports 3.11-3.14"
    assert SpecifierSet(project["requires-python"]).contains(f"{python_version}.0")
