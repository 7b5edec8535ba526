"""The build step needs no secret and no database: collectstatic runs before either exists."""

from __future__ import annotations

from tests.support.settings import run_python


def test_collectstatic_runs_at_build_time_without_secrets_or_database(
    clean_env: dict[str, str],
) -> None:
    clean_env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:9/absent"

    result = run_python(["manage.py", "collectstatic", "--noinput", "--dry-run"], clean_env)

    assert result.returncode == 0, result.stderr
    assert "static files" in result.stdout
