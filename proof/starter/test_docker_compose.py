"""docker-compose.yml is a valid Compose file, and its stack starts in the right order."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
# check-jsonschema, in the dev group, reads YAML and bundles the Compose specification.
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHECK_JSONSCHEMA.is_file(), f"{CHECK_JSONSCHEMA} is missing: run `make install`"
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _dockerfile_stages() -> list[str]:
    text = (REPO_ROOT / "Dockerfile").read_text()
    return re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)", text, flags=re.MULTILINE | re.IGNORECASE)


PG_ISREADY_OVER_TCP = ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", "postgres"]

# What the development stack relies on, beyond what the Compose specification asks.
STACK_PROMISES: dict[str, Any] = {
    "type": "object",
    "required": ["services"],
    # `version:` is obsolete; Compose warns about it on every command.
    "not": {"required": ["version"]},
    "properties": {
        "services": {
            "required": ["web", "db"],
            "properties": {
                "web": {
                    "required": [
                        "build",
                        "command",
                        "depends_on",
                        "environment",
                        "ports",
                        "healthcheck",
                    ],
                    "properties": {
                        "build": {"required": ["target"]},
                        # Migrations first, then the development server on every interface.
                        "command": {
                            "contains": {
                                "pattern": r"migrate --noinput && exec python manage\.py "
                                r"runserver 0\.0\.0\.0:8000$"
                            }
                        },
                        # The web container starts only once PostgreSQL accepts connections.
                        "depends_on": {
                            "required": ["db"],
                            "properties": {
                                "db": {
                                    "required": ["condition"],
                                    "properties": {"condition": {"const": "service_healthy"}},
                                }
                            },
                        },
                        "environment": {
                            "required": ["DATABASE_URL", "DEBUG", "SECRET_KEY"],
                            "properties": {
                                "DATABASE_URL": {"pattern": r"^postgres://[^@/]+@db:5432/\w+$"},
                                # A fallback key must be one Django refuses in production.
                                "SECRET_KEY": {"pattern": r":-django-insecure-"},
                            },
                        },
                        # A fresh clone has no .env: it must not stop `docker compose up`.
                        "env_file": {
                            "items": {
                                "required": ["path", "required"],
                                "properties": {"required": {"const": False}},
                            }
                        },
                        # A DEBUG server is published on loopback only, on 8000 unless
                        # WEB_PORT moves it.
                        "ports": {
                            "minItems": 1,
                            "items": {"pattern": r"^127\.0\.0\.1:\$\{WEB_PORT:-8000\}:8000$"},
                        },
                        # `up --wait` waits for the server itself, not only for its process.
                        "healthcheck": {"required": ["test"]},
                    },
                },
                "db": {
                    "required": ["image", "healthcheck", "volumes"],
                    "properties": {
                        "image": {"pattern": r"^postgres:17"},
                        # Over TCP: the socket answers before initialisation is over.
                        "healthcheck": {
                            "required": ["test"],
                            "properties": {"test": {"const": PG_ISREADY_OVER_TCP}},
                        },
                        # PostgreSQL 17 images keep their data here.
                        "volumes": {"contains": {"pattern": r"^[\w-]+:/var/lib/postgresql/data$"}},
                    },
                },
            },
        }
    },
}


def test_compose_file_follows_the_compose_specification() -> None:
    result = _check("--builtin-schema", "vendor.compose-spec", str(COMPOSE_FILE))

    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_file_keeps_the_development_stacks_promises(tmp_path: Path) -> None:
    promises = json.loads(json.dumps(STACK_PROMISES))
    web_build = promises["properties"]["services"]["properties"]["web"]["properties"]["build"]
    # The target must be a stage of the Dockerfile, or `docker compose up` cannot build.
    web_build["properties"] = {"target": {"enum": _dockerfile_stages()}}
    schema = tmp_path / "promises.json"
    schema.write_text(json.dumps(promises))

    result = _check("--schemafile", str(schema), str(COMPOSE_FILE))

    assert result.returncode == 0, result.stdout + result.stderr


def test_promises_catch_a_compose_file_that_breaks_them(tmp_path: Path) -> None:
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(
        COMPOSE_FILE.read_text()
        .replace("condition: service_healthy", "condition: service_started")
        .replace('"-h", "127.0.0.1", ', ""),
    )
    schema = tmp_path / "promises.json"
    schema.write_text(json.dumps(STACK_PROMISES))

    result = _check("--schemafile", str(schema), str(broken))

    assert result.returncode == 1
    assert "service_healthy" in result.stdout
    assert "pg_isready" in result.stdout
