"""app.json and the Procfile: the worker is declared; the button is as it was.

That docker-compose.yml runs the same worker is proved by the proof kit (it reads YAML).
"""

from __future__ import annotations

import json

from config.env import Env
from tests.support.commands import procfile
from tests.support.settings import REPO

APP = json.loads((REPO / "app.json").read_text())
SERVICE_VARIABLES = {
    "REDIS_URL",
    "REDIS_SSL_CERT_REQS",
    "CACHE_KEY_PREFIX",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_QUERYSTRING_EXPIRE",
    "TASKS_BACKEND",
}


def test_the_button_adds_no_add_on_beyond_the_database() -> None:
    assert [addon["plan"] for addon in APP["addons"]] == ["heroku-postgresql:essential-0"]


def test_the_button_starts_one_web_dyno_and_no_worker() -> None:
    assert set(APP["formation"]) == {"web"}
    assert APP["formation"]["web"]["quantity"] == 1


def test_the_button_needs_nothing_typed() -> None:
    for name, spec in APP["env"].items():
        assert "value" in spec or spec.get("generator") == "secret", name


def test_every_service_variable_is_off_or_safe_by_default() -> None:
    defaults = {name: Env.model_fields[name].default for name in SERVICE_VARIABLES}

    assert defaults["REDIS_URL"] is None
    assert defaults["AWS_STORAGE_BUCKET_NAME"] is None
    assert defaults["TASKS_BACKEND"] == "immediate"
    assert defaults["REDIS_SSL_CERT_REQS"] == "required"
    assert not SERVICE_VARIABLES & set(APP["env"])


def test_the_procfile_worker_runs_the_database_worker_without_reloading() -> None:
    worker = procfile()["worker"]

    assert worker[:3] == ["python", "manage.py", "db_worker"]
    assert "--no-reload" in worker
