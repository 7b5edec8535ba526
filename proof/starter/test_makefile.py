"""
The task runner a clone starts with: `make help` and `make remove-demo`.

These need make, which a Heroku CI test run does not have (heroku-24 keeps
make and git to build time), so they are proofs rather than part of the suite
app.json runs there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, strong_key


def copy_of_the_project(destination: Path) -> Path:
    """The working tree without what its .gitignore files keep out; no .git needed."""
    ignored = {".git"}
    for folder, subfolders, files in os.walk(REPO):
        if ".gitignore" in files:
            lines = (Path(folder) / ".gitignore").read_text().splitlines()
            ignored |= {
                Path(line.strip()).name for line in lines if line.strip()[:1] not in {"", "#"}
            }
        subfolders[:] = [name for name in subfolders if name not in ignored]
    shutil.copytree(REPO, destination, ignore=shutil.ignore_patterns(*ignored))
    return destination


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


def test_removing_the_demo_takes_one_step_and_leaves_a_working_project(tmp_path: Path) -> None:
    tree = copy_of_the_project(tmp_path / "project")

    removed = make("remove-demo", cwd=tree)
    env = {"PATH": "/usr/bin:/bin", "ENV_FILE": "", "SECRET_KEY": strong_key(), "DEBUG": "false"}
    check = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    suite = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/apps",
            "tests/config/test_security.py",
        ],
        cwd=tree,
        env={**env, "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert removed.returncode == 0, removed.stderr
    assert not (tree / "apps" / "demo").exists()
    assert '"apps.demo"' not in (tree / "config" / "settings.py").read_text()
    assert check.returncode == 0, check.stderr
    assert suite.returncode == 0, suite.stdout[-3000:]
    assert " passed" in suite.stdout
