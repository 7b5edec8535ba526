"""`make app NAME=...`: a new app that passes the project's lint and tests as generated."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from proof.starter.project import copy_project, make, snapshot


@pytest.fixture(scope="module")
def with_app(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    tree = copy_project(tmp_path_factory.mktemp("app") / "tree")
    return tree, make(tree, "app", "NAME=shop")


def test_the_app_is_written_where_the_project_keeps_apps_and_tests(
    with_app: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, result = with_app

    assert result.returncode == 0, result.stdout + result.stderr
    assert 'name = "apps.shop"' in (tree / "apps/shop/apps.py").read_text()
    assert (tree / "apps/shop/migrations/0001_initial.py").is_file()
    assert (tree / "tests/apps/shop/test_views.py").is_file()
    assert not (tree / "apps/shop/tests.py").exists()
    assert '"apps.shop",' in (tree / "config/settings.py").read_text()
    assert 'path("shop/", include("apps.shop.urls"))' in (tree / "config/urls.py").read_text()


def test_the_services_and_selectors_are_keyword_only_entity_action_functions(
    with_app: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, _ = with_app

    assert "def item_create(*, name: str) -> Item:" in (tree / "apps/shop/services.py").read_text()
    assert "def item_list() -> QuerySet[Item]:" in (tree / "apps/shop/selectors.py").read_text()


def test_the_generated_app_passes_lint_and_tests_as_it_is(
    with_app: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, _ = with_app

    lint = make(tree, "lint")
    tests = make(tree, "test", "PYTEST_ARGS=-q -p no:cacheprovider")

    assert lint.returncode == 0, lint.stdout[-3000:] + lint.stderr[-2000:]
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
    # The app's own tests ran, the migration check among the rest.
    assert "tests/apps/shop" in make(tree, "test", "PYTEST_ARGS=-q --co tests/apps/shop").stdout


BAD_APP_NAMES = {
    "capitals": ("Shop", "lower-case letters and digits"),
    "shell metacharacters": ("shop;rm", "lower-case letters and digits"),
    "a python keyword": ("class", "Python keyword"),
    "one of the project's folders": ("config", "project's own folders"),
    "the project's own name": ("bastion", "own name"),
    "a module the proof kit imports": ("zizmor", "dependency's module name"),
    "an app that exists": ("core", "exists already"),
    "nothing": ("", "lower-case letters and digits"),
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = copy_project(tmp_path_factory.mktemp("pristine") / "tree")
    assert make(tree, "install").returncode == 0
    return tree


@pytest.mark.parametrize("case", BAD_APP_NAMES)
def test_a_bad_app_name_changes_nothing_and_says_why_in_one_line(pristine: Path, case: str) -> None:
    name, reason = BAD_APP_NAMES[case]
    before = snapshot(pristine)

    result = make(pristine, "app", f"NAME={name}")

    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if not line.startswith("make: ***")]
    assert len(lines) == 1, result.stderr
    assert reason in lines[0]
    assert snapshot(pristine) == before
