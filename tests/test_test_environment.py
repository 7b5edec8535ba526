"""The suite's own environment: nothing of the shell's or a container's configuration leaks in."""

from __future__ import annotations

import tomllib

from config.env import Env
from tests.support.settings import REPO

# Set by the suite itself (ENV_FILE, SECRET_KEY) or passed through on purpose (DATABASE_URL).
KEPT = {"ENV_FILE", "SECRET_KEY", "DATABASE_URL"}


def test_pytest_unsets_every_setting_but_the_database() -> None:
    pytest_options = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]
    entries = pytest_options["ini_options"]["env"]

    unset = {entry.split(":", 1)[1].split("=", 1)[0] for entry in entries if entry.startswith("U:")}

    assert unset == set(Env.model_fields) - KEPT
