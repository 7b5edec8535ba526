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
    checks = starter / "apps" / "core" / "checks" / "limits.py"
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
    # A new check names its module in the package's map and in docs/security.md.
    edit(starter / "apps/core/checks/__init__.py", "W033, W034  ", "W033, W034, W099")
    security = starter / "docs" / "security.md"
    row = next(line for line in security.read_text().splitlines() if f"`{STARTER}.W034`" in line)
    edit(
        security,
        row + "\n",
        f"{row}\n| `{STARTER}.W099` | `limits` | deploy warning | over 50 fields | slow forms |\n",
    )
    (starter / "tests" / "test_field_limit.py").write_text(
        "from pytest_django import Settings\n\n"
        "from apps.core.checks.limits import check_field_limit\n\n\n"
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
    checks = (project / "apps" / "core" / "checks" / "limits.py").read_text()

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


# A project made before the checks moved into apps/core/checks/ (one module per concern),
# whose owner changed a moved check, takes the release that moved it.
MOVED = "apps/core/csp_rules.py"


def test_a_conflict_is_left_as_a_merge_to_finish_or_abort(upgraded: tuple[Path, str]) -> None:
    project, _ = upgraded
    starter = project.parent / "starter"
    head = git(project, "rev-parse", "HEAD")
    edit(
        project / "config" / "settings.py",
        'TIME_ZONE = "Europe/Paris"',
        'TIME_ZONE = "Europe/Rome"',
    )
    git(project, "commit", "--quiet", "--all", "-m", "Acme keeps Rome time")
    edit(starter / "config" / "settings.py", 'TIME_ZONE = "UTC"', 'TIME_ZONE = "Asia/Tokyo"')
    git(starter, "commit", "--quiet", "--all", "-m", "Tokyo time")
    git(project, "fetch", "--quiet", "starter")

    stopped = make(project, "upgrade", "REF=starter/HEAD")
    conflicted = git(project, "diff", "--name-only", "--diff-filter=U")
    git(project, "merge", "--abort")

    assert stopped.returncode != 0
    assert "the merge stopped on conflicts" in stopped.stderr
    assert conflicted == "config/settings.py"
    assert git(project, "status", "--porcelain") == ""
    assert git(project, "rev-parse", "HEAD~1") == head


def before_the_move() -> str:
    """The newest commit of this checkout's main line that still has the file."""
    moving = git(REPO, "log", "--first-parent", "--format=%H", "-1", "--", MOVED)
    return git(REPO, "rev-parse", f"{moving}^1")


@pytest.fixture(scope="module")
def upgraded_across_the_move(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("upgrade-moved")
    starter, project = root / "starter", root / "acme"
    git(root, "clone", "--quiet", str(REPO), str(starter))
    git(root, "clone", "--quiet", "--origin", "starter", str(starter), str(project))
    git(project, "checkout", "--quiet", "-B", "main", before_the_move())

    init = make(project, "init", "NAME=acme")
    assert init.returncode == 0, init.stderr
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "-m", "Acme, from the starter")
    # The owner's own rule, in the file the release moves: one more host to refuse.
    edit(
        project / MOVED,
        '        "gstatic.com",\n',
        '        "gstatic.com",\n        "widgets.acme.example",\n',
    )
    git(project, "commit", "--quiet", "--all", "-m", "Acme refuses its old widget host")

    # docs/upgrading.md: a project made before this release takes its `make upgrade` first.
    git(project, "fetch", "--quiet", "starter")
    git(project, "checkout", "starter/HEAD", "--", "scripts/starter.py")
    git(project, "commit", "--quiet", "-m", "The starter's make upgrade")
    result = make(project, "upgrade", "REF=starter/HEAD")
    return project, result.stdout + result.stderr


def test_a_change_to_a_moved_check_follows_it_into_its_new_module(
    upgraded_across_the_move: tuple[Path, str],
) -> None:
    project, output = upgraded_across_the_move

    assert "merged the starter's starter/HEAD" in output, output
    assert git(project, "status", "--porcelain") == ""
    assert not (project / MOVED).exists()
    assert '"widgets.acme.example",' in (project / "apps/core/checks/csp_policy.py").read_text()


def test_the_checks_pass_their_tests_after_the_move(
    upgraded_across_the_move: tuple[Path, str],
) -> None:
    project, _ = upgraded_across_the_move
    # The release brings dependencies of its own (django-allauth): install them first.
    installed = make(project, "install")
    assert installed.returncode == 0, installed.stderr

    result = subprocess.run(
        [
            ".venv/bin/python",
            "-m",
            "pytest",
            "tests/apps/core/checks",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_the_upgrade_guide_says_where_every_moved_file_went() -> None:
    moved = git(
        REPO,
        "diff",
        "--name-status",
        "--diff-filter=DR",
        before_the_move(),
        "HEAD",
        "--",
        "apps",
        "config",
        "tests",
        "proof",
    )
    guide = (REPO / "docs" / "upgrading.md").read_text()

    old_paths = [line.split("\t")[1] for line in moved.splitlines()]
    assert old_paths, "nothing moved since the checks did"
    assert [path for path in old_paths if f"`{path}`" not in guide] == []
