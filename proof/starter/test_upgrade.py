"""`make upgrade`: a project made with `make init` takes a later starter release by merging it."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

from proof.harness import REPO
from proof.starter.project import files_naming, make

STARTER = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["name"]


def git(tree: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=Proof", "-c", "user.email=proof@localhost", *args],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{path} no longer holds {old!r} once"
    path.write_text(text.replace(old, new))


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("upgrade")
    starter, project = root / "starter", root / "acme"
    # The starter as published: this checkout's committed tree.
    git(root, "clone", "--quiet", str(REPO), str(starter))
    git(root, "clone", "--quiet", "--origin", "starter", str(starter), str(project))

    # The user makes it theirs and changes the product.
    init = make(project, "init", "NAME=acme")
    assert init.returncode == 0, init.stderr
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Acme, from the starter")
    edit(project / "config" / "settings.py", 'TIME_ZONE = "UTC"', 'TIME_ZONE = "Europe/Paris"')
    (project / "tests" / "test_product.py").write_text(
        "from django.conf import settings\n\n\n"
        "def test_the_product_keeps_paris_time() -> None:\n"
        '    assert settings.TIME_ZONE == "Europe/Paris"\n'
    )
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Acme keeps Paris time")

    # Later, the starter fixes a setting and adds a check, with its test.
    edit(
        starter / "config" / "settings.py",
        "DATA_UPLOAD_MAX_NUMBER_FIELDS = 100",
        "DATA_UPLOAD_MAX_NUMBER_FIELDS = 50",
    )
    checks = starter / "apps" / "core" / "checks.py"
    checks.write_text(
        checks.read_text()
        + f'''

@register(Tags.security, deploy=True)
def check_field_limit(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    if limit is None or limit > 50:
        return [Warning("DATA_UPLOAD_MAX_NUMBER_FIELDS is above 50.", id="{STARTER}.W099")]
    return []
'''
    )
    (starter / "tests" / "test_field_limit.py").write_text(
        "from pytest_django import Settings\n\n"
        "from apps.core.checks import check_field_limit\n\n\n"
        "def test_a_high_field_limit_is_reported(settings: Settings) -> None:\n"
        "    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000\n\n"
        f'    assert [m.id for m in check_field_limit()] == ["{STARTER}.W099"]\n'
    )
    git(starter, "add", "--all")
    git(starter, "commit", "--quiet", "-m", "A lower field limit, and a check for it")

    git(project, "fetch", "--quiet", "starter")
    result = make(project, "upgrade", "REF=starter/HEAD")
    return project, result.stdout + result.stderr if result.returncode else result.stdout


def test_the_release_merges_without_conflicts(upgraded: tuple[Path, str]) -> None:
    project, output = upgraded

    assert "merged the starter's starter/HEAD" in output, output
    assert git(project, "status", "--porcelain") == ""


def test_both_the_product_change_and_the_starter_fix_are_there_under_the_new_name(
    upgraded: tuple[Path, str],
) -> None:
    project, _ = upgraded
    settings = (project / "config" / "settings.py").read_text()
    checks = (project / "apps" / "core" / "checks.py").read_text()

    assert 'TIME_ZONE = "Europe/Paris"' in settings
    assert "DATA_UPLOAD_MAX_NUMBER_FIELDS = 50" in settings
    assert 'id="acme.W099"' in checks
    assert list(files_naming(project, STARTER)) == ["LICENSE"]


def test_the_upgraded_project_passes_its_tests(upgraded: tuple[Path, str]) -> None:
    project, _ = upgraded

    result = make(project, "test", "PYTEST_ARGS=-q -p no:cacheprovider")

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


@pytest.mark.parametrize(
    ("ref", "reason"),
    [
        ("", "say which release to take: make upgrade REF=starter/main"),
        ("starter/no-such-branch", "git rev-parse failed"),
        ("starter/HEAD WITHOUT=demo", "takes REF only"),
        ("starter/HEAD NAME=other", "takes REF only"),
    ],
    ids=["no ref", "a ref that does not exist", "a WITHOUT", "a NAME"],
)
def test_a_bad_ref_is_refused_and_changes_nothing(
    upgraded: tuple[Path, str], ref: str, reason: str
) -> None:
    project, _ = upgraded
    head = git(project, "rev-parse", "HEAD")

    result = make(project, "upgrade", *f"REF={ref}".split())

    assert result.returncode != 0
    assert reason in result.stderr
    assert git(project, "status", "--porcelain") == ""
    assert git(project, "rev-parse", "HEAD") == head
