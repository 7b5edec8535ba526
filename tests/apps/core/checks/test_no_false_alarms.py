"""No false alarms: every configuration the project ships or documents passes every deploy check."""

from __future__ import annotations

import json
import re
import secrets

import pytest
from django.conf import settings
from django.core.checks import run_checks
from pytest_django import Settings

from apps.core.checks import connections
from config.env import HSTS_STAGES
from tests.support.settings import REPO, apply_production_settings, load_settings_module, strong_key

# What Heroku Postgres puts in DATABASE_URL: a remote host, TLS demanded by DATABASE_SSL_REQUIRE.
HEROKU_DATABASE_URL = "postgres://u1a2b3:p4c5d6@ec2-52-1-2-3.compute-1.amazonaws.com:5432/d7e8f9"


def deploy_findings() -> set[str]:
    silenced = set(settings.SILENCED_SYSTEM_CHECKS)
    return {str(m.id) for m in run_checks(include_deployment_checks=True)} - silenced


def documented_docker_config() -> dict[str, str]:
    """The prod.env example of docs/docker.md, with a fresh key where it says `...`."""
    text = (REPO / "docs" / "docker.md").read_text()
    block = text.split("(`prod.env`):", 1)[1].split("```ini", 1)[1].split("```", 1)[0]
    pairs = dict(re.findall(r"^([A-Z_]+)=(.*)$", block, flags=re.MULTILINE))
    return {**pairs, "SECRET_KEY": strong_key()}


def heroku_button_config() -> dict[str, str]:
    """The config vars the Deploy button sets from app.json, with a generated key."""
    env = json.loads((REPO / "app.json").read_text())["env"]
    values = {
        name: secrets.token_hex(32) if spec.get("generator") == "secret" else spec["value"]
        for name, spec in env.items()
    }
    # Heroku names every dyno, the release phase's too.
    return {**values, "DATABASE_URL": HEROKU_DATABASE_URL, "DYNO": "release.1"}


@pytest.mark.parametrize("stage", [stage for stage in HSTS_STAGES if stage != "off"])
def test_the_shipped_configuration_passes_at_every_hsts_stage(
    settings: Settings, stage: str
) -> None:
    apply_production_settings(settings, HSTS_STAGE=stage)

    assert deploy_findings() == set()


@pytest.mark.parametrize(
    "config", [heroku_button_config, documented_docker_config], ids=["heroku button", "docker"]
)
def test_a_documented_deployment_passes_every_deploy_check(
    settings: Settings, config: object
) -> None:
    assert callable(config)
    environ = config()
    apply_production_settings(settings, **environ)

    assert deploy_findings() == set()
    assert connections.databases_without_tls(load_settings_module(**environ)["DATABASES"]) == []


def test_the_docker_example_really_is_parsed_from_the_docs() -> None:
    config = documented_docker_config()

    assert config["USE_SSL"] == "true"
    assert config["DATABASE_URL"].startswith("postgres://")
    assert config["DATABASE_SSL_REQUIRE"] == "true"


def test_the_heroku_database_without_tls_would_be_caught() -> None:
    environ = {**heroku_button_config(), "DATABASE_SSL_REQUIRE": "false"}

    assert connections.databases_without_tls(load_settings_module(**environ)["DATABASES"])


@pytest.mark.parametrize(
    "services",
    [
        # Heroku Key-Value Store: rediss:// with a self-signed certificate, on a dyno.
        {
            "REDIS_URL": "rediss://:p4ss@ec2-3-4-5-6.compute-1.amazonaws.com:6380",
            "REDIS_SSL_CERT_REQS": "none",
            "DYNO": "web.1",
        },
        # A bucket, mail with error reports, Sentry, as the README describes them.
        {
            "AWS_STORAGE_BUCKET_NAME": "shop-uploads",
            "AWS_QUERYSTRING_EXPIRE": "3600",
            "AWS_ENDPOINT_URL_S3": "https://s3.eu-central-003.example.com",
            "EMAIL_URL": "submission://apikey:password@smtp.example.com:587",
            "DEFAULT_FROM_EMAIL": "app@example.com",
            "SERVER_EMAIL": "errors@example.com",
            "ADMINS": "ops@example.com",
            "REDIS_URL": "rediss://:p4ss@redis.example.com:6380",
        },
        # Everything on one machine: Redis, MinIO through boto3's variable, quiet logs.
        {
            "REDIS_URL": "redis://localhost:6379/0",
            "AWS_STORAGE_BUCKET_NAME": "local-uploads",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9000",
            "LOG_LEVEL": "WARNING",
        },
    ],
    ids=["heroku key-value store", "documented services", "loopback services"],
)
def test_the_documented_service_variables_pass_every_deploy_check(
    settings: Settings, services: dict[str, str]
) -> None:
    environ = {**documented_docker_config(), **services}
    apply_production_settings(settings, **environ)
    # Kept by apply_production_settings for the suite; the bucket's options are checked here.
    settings.STORAGES = load_settings_module(**environ)["STORAGES"]

    assert deploy_findings() == set()
