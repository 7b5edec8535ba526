"""
Heroku CI, emulated: app.json's `environments.test` script run as a test run runs it.

What a Heroku CI test run is, from the Python buildpack's bin/test-compile and
the heroku-24 stack notes:

- the source is the pushed commit without `.git` (here: `git archive HEAD`);
- the build installs the lock with its dev dependency group and skips
  collectstatic (DISABLE_COLLECTSTATIC=1);
- the run image has no make, git or compiler (heroku-24 keeps them to build
  time): here PATH offers every other tool of this machine, and not those;
- the environment is the app's own config vars with `environments.test.env`
  over them, CI=true and the HEROKU_TEST_RUN_* variables, plus what the
  buildpack's profile script exports on every dyno;
- DATABASE_URL points at the `heroku-postgresql:in-dyno` add-on: a plain
  PostgreSQL without TLS, here a throwaway database on the local server.

Not emulated (it needs Heroku itself): the real stack image, the buildpack's
own Python, and the add-on's provisioning.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from config.env import Env
from proof.harness import POSTGRES_URL, fresh_database, unavailable
from proof.heroku import heroku

# Run-time tools heroku-24 leaves out of its run image.
BUILD_TIME_ONLY = frozenset({"make", "gmake", "git", "gcc", "cc", "c++", "g++"})

# What the Python buildpack's profile script exports on every dyno, whatever the config vars say.
PROFILE_EXPORTS = {"FORWARDED_ALLOW_IPS": "*", "GUNICORN_CMD_ARGS": "--access-logfile -"}

# Set by pytest-env from pyproject.toml and by the add-on: the test env need not declare them.
# DYNO: Heroku sets it in every dyno, the test run's included.
PROVIDED_ELSEWHERE = frozenset({"SECRET_KEY", "DATABASE_URL", "DYNO"})


def heroku_ci_environment() -> dict[str, str]:
    """app.json's config vars with `environments.test.env` over them, as Heroku CI merges them."""
    app = heroku.app_json()
    return {
        **heroku.config_vars(app["env"]),
        **heroku.config_vars(app["environments"]["test"]["env"]),
    }


def run_image_path(folder: Path) -> str:
    """A PATH with this machine's tools except the ones the run image lacks."""
    folder.mkdir()
    for directory in ("/usr/local/bin", "/usr/bin", "/bin"):
        for tool in sorted(Path(directory).iterdir()):
            link = folder / tool.name
            if tool.name in BUILD_TIME_ONLY or link.exists() or not os.access(tool, os.X_OK):
                continue
            link.symlink_to(tool)
    return str(folder)


def drop_database(name: str) -> None:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="module")
def slug(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed tree without .git, with the lock and its dev group installed."""
    heroku.require(shutil.which("git") is not None, "git")
    heroku.require(heroku.project_uv().exists(), f"uv at {heroku.project_uv()} (make install)")
    path = heroku.checkout(tmp_path_factory.mktemp("heroku-ci") / "app")
    installed = heroku.install(path, test_groups=True)
    assert installed.returncode == 0, installed.stderr
    return path


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """The in-dyno database: plain PostgreSQL, no TLS, the suite may create its test database."""
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=5).close()
    except psycopg.OperationalError as error:
        unavailable(f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}")
    with fresh_database("herokuci") as database:
        yield database.url
        # pytest-django's own test database, should the run have been cut short.
        drop_database(f"test_{database.name}")


def dyno_env(slug: Path, tools: str, database_url: str, config: dict[str, str]) -> dict[str, str]:
    return {
        "PATH": f"{slug / '.venv' / 'bin'}{os.pathsep}{tools}",
        "HOME": str(slug),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "CI": "true",
        "DISABLE_COLLECTSTATIC": "1",
        "HEROKU_TEST_RUN_ID": secrets.token_hex(8),
        "HEROKU_TEST_RUN_BRANCH": "main",
        "HEROKU_TEST_RUN_COMMIT_VERSION": secrets.token_hex(20),
        "WEB_CONCURRENCY": "2",
        **PROFILE_EXPORTS,
        **config,
        "DATABASE_URL": database_url,
    }


def run_test_script(
    slug: Path, env: dict[str, str], script: str | None = None
) -> subprocess.CompletedProcess[str]:
    command = script or heroku.app_json()["environments"]["test"]["scripts"]["test"]
    return subprocess.run(
        ["bash", "-c", command],
        cwd=slug,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_the_test_environment_pins_every_variable_the_app_reads_to_its_default() -> None:
    declared = heroku.app_json()["environments"]["test"]["env"]
    defaults = {
        name: field.default
        for name, field in Env.model_fields.items()
        if name not in PROVIDED_ELSEWHERE
    }

    assert set(declared) == set(defaults), "an app config var would leak into the test run"
    for name, default in defaults.items():
        parsed = Env.model_validate({name: declared[name]["value"]}).model_dump()[name]
        assert parsed == default, name


def test_the_suite_passes_as_heroku_ci_runs_it(
    slug: Path, database_url: str, tmp_path: Path
) -> None:
    tools = run_image_path(tmp_path / "run-image-bin")
    env = dyno_env(slug, tools, database_url, heroku_ci_environment())

    result = run_test_script(slug, env)

    assert not (slug / ".git").exists()
    assert shutil.which("make", path=env["PATH"]) is None
    assert shutil.which("git", path=env["PATH"]) is None
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in summary
    assert "skipped" not in summary
    assert "failed" not in summary


def test_the_apps_own_config_vars_never_reach_the_suite(
    slug: Path, database_url: str, tmp_path: Path
) -> None:
    """pytest unsets every setting but DATABASE_URL (pyproject.toml), so even with app.json's
    own config vars alone, USE_SSL=true among them, the suite sees its own values."""
    tools = run_image_path(tmp_path / "run-image-bin")
    app_only = {**heroku.config_vars(heroku.app_json()["env"]), "DATABASE_SSL_REQUIRE": "false"}
    env = dyno_env(slug, tools, database_url, app_only)

    result = run_test_script(slug, env, "python -m pytest -q -p no:cacheprovider tests/apps/core")

    assert env["USE_SSL"] == "true"
    assert result.returncode == 0, result.stdout[-3000:]
