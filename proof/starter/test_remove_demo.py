"""`make remove-demo`: one step, and both the project's tests and the proofs still pass."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from proof.starter.project import copy_project, files_naming, make

# How code, settings and docs refer to the demo: its package, paths, URLs and tables.
DEMO_REFERENCES = (
    "apps.demo",
    "apps/demo",
    "demo:",
    "demo_message",
    "demo_sitecounter",
    "/guestbook/",
    "/api/messages/",
)


@pytest.fixture(scope="module")
def without_demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    tree = copy_project(tmp_path_factory.mktemp("nodemo") / "project")
    removed = make(tree, "remove-demo")
    # Committed, as a user would: the Heroku and Docker proofs deploy the committed tree.
    for command in (
        ["init", "--quiet"],
        ["add", "--all"],
        ["-c", "user.name=Proof", "-c", "user.email=proof@localhost", "commit", "-qm", "No demo"],
    ):
        subprocess.run(["git", *command], cwd=tree, check=True, capture_output=True)
    return tree, removed


def test_removing_the_demo_takes_one_step(
    without_demo: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, result = without_demo

    assert result.returncode == 0, result.stderr
    for gone in ("apps/demo", "tests/apps/demo", "proof/demo", "proof/starter/test_remove_demo.py"):
        assert not (tree / gone).exists(), gone


def test_nothing_that_only_the_demo_needed_stays_behind(
    without_demo: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, _ = without_demo

    mentions = {
        name: lines
        for pattern in DEMO_REFERENCES
        for name, lines in files_naming(tree, pattern).items()
        # The one tool that removes the demo still says what it removes.
        if name != "scripts/starter.py"
    }

    assert mentions == {}
    makefile = (tree / "Makefile").read_text()
    assert "\nremove-demo:" not in makefile
    assert " remove-demo" not in next(
        line for line in makefile.splitlines() if line.startswith(".PHONY")
    )


def test_a_second_removal_says_the_demo_is_gone(
    without_demo: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, _ = without_demo

    result = subprocess.run(
        [sys.executable, "scripts/starter.py", "remove-demo"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "make remove-demo: the demo is already gone" in result.stderr


def test_the_project_still_passes_make_test_and_make_lint(
    without_demo: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, _ = without_demo

    tests = make(tree, "test", "PYTEST_ARGS=-q -p no:cacheprovider")
    lint = make(tree, "lint")

    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout
    assert lint.returncode == 0, lint.stdout[-3000:] + lint.stderr[-2000:]


def test_the_proofs_still_pass_without_the_demo(
    without_demo: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, _ = without_demo

    # Everything but the starter's own tooling proofs, which copy the tree again.
    proofs = make(
        tree, "prove", "PYTEST_ARGS=-q -p no:cacheprovider --ignore=proof/starter", timeout=3000
    )

    assert proofs.returncode == 0, proofs.stdout[-5000:] + proofs.stderr[-2000:]
    assert " passed" in proofs.stdout
