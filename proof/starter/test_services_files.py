"""docker-compose.yml runs the database worker as the Procfile does (tests/ read the Procfile)."""

from __future__ import annotations

from ruamel.yaml import YAML  # check-jsonschema's YAML reader, in the proof group

from tests.support.settings import REPO


def test_docker_compose_runs_the_same_worker_on_the_same_database() -> None:
    services = YAML(typ="safe").load((REPO / "docker-compose.yml").read_text())["services"]
    worker, web = services["worker"], services["web"]

    assert "manage.py db_worker" in " ".join(worker["command"])
    for name in ("DATABASE_URL", "TASKS_BACKEND", "REDIS_URL"):
        assert worker["environment"][name] == web["environment"][name], name
    assert web["environment"]["TASKS_BACKEND"] == "database"
    # Long enough for a task in hand to finish, as on Heroku (30 s).
    assert worker["stop_grace_period"] == "30s"
