"""config/wsgi.py refuses every error-level check, not only a weak key: one line, status 3."""

from __future__ import annotations

import pytest

from config.boot import CONFIG_ERROR_EXIT_STATUS
from tests.support.settings import REPO, run_python, strong_key

PYPROJECT_TEST_KEY = (REPO / "pyproject.toml").read_text().split("SECRET_KEY=", 1)[1].split('"')[0]

ERRORS = {
    "debug under use_ssl": ({"DEBUG": "true", "SECRET_KEY": strong_key()}, "bastion.E023"),
    "a committed key": ({"SECRET_KEY": PYPROJECT_TEST_KEY}, "bastion.E021"),
}


@pytest.mark.parametrize("case", ERRORS)
def test_the_wsgi_application_refuses_to_start_on_an_error(
    clean_env: dict[str, str], case: str
) -> None:
    overrides, check_id = ERRORS[case]
    clean_env.update({"USE_SSL": "true", "ALLOWED_HOSTS": "bastion.example.com", **overrides})

    result = run_python(["-c", "import config.wsgi"], clean_env)

    assert result.returncode == CONFIG_ERROR_EXIT_STATUS
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error: ")
    assert check_id in lines[0]
    assert PYPROJECT_TEST_KEY not in result.stderr
