"""
The task runner a clone starts with: `make help` lists every target with what it does.

It needs make, which a Heroku CI test run does not have (heroku-24 keeps make and
git to build time), so it is a proof rather than part of the suite app.json runs there.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.support.settings import REPO


def make(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_make_help_lists_every_target_with_a_description() -> None:
    makefile = (REPO / "Makefile").read_text()
    phony = set(re.search(r"^\.PHONY: (.+)$", makefile, re.M).group(1).split())  # type: ignore[union-attr]

    result = make("help")

    listed = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert result.returncode == 0
    assert listed == phony
    assert {"dev", "test", "lint", "help"} <= listed
    assert all(len(line.split(maxsplit=1)) == 2 for line in result.stdout.splitlines())


def test_the_venv_is_built_with_the_users_python3_not_python_version() -> None:
    # make -n prints the commands without running them; a stale .venv would hide them.
    result = make("-n", "--always-make", "install", "PYTHON=python3")

    sync = [line for line in result.stdout.splitlines() if " sync --locked" in line]
    assert len(sync) == 1, result.stdout
    assert "--python \"$(python3 -c 'import sys; print(sys.executable)')\"" in sync[0]


def test_a_check_env_that_names_no_file_is_refused_in_one_line() -> None:
    result = make("check", "CHECK_ENV=nope.env")

    # Without make's own "***" line about the failed recipe (make[1] when run by make).
    lines = [
        line for line in result.stderr.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\*", line)
    ]
    assert result.returncode != 0
    assert lines == [
        "make check: CHECK_ENV=nope.env is not a file; give the path of your production env file"
    ]
