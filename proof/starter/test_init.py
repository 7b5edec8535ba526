"""`make init NAME=...`: a fresh clone becomes the user's own project in one command."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from proof import harness
from proof.starter.project import LOCAL, copy_project, files_naming, make, snapshot

STARTER = tomllib.loads(Path("pyproject.toml").read_text())["project"]["name"]
SCHEMAS = sorted((Path(__file__).parent / "schemas").glob("*.schema.json"))


@pytest.fixture(scope="module")
def initialised(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    tree = copy_project(tmp_path_factory.mktemp("init") / "acme")
    return tree, make(tree, "init", "NAME=acme")


def test_init_succeeds_and_says_what_it_did(
    initialised: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    _, result = initialised

    assert result.returncode == 0, result.stdout + result.stderr
    assert "This is now Acme" in result.stdout


def test_after_init_only_the_licence_names_the_starter(
    initialised: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, _ = initialised

    naming = files_naming(tree, STARTER)

    assert list(naming) == ["LICENSE"], {name: lines[:3] for name, lines in naming.items()}
    assert len(naming["LICENSE"]) == 1
    named_after_it = [
        str(path.relative_to(tree))
        for path in tree.rglob(f"*{STARTER}*")
        if not LOCAL & set(path.relative_to(tree).parts)
    ]
    assert named_after_it == []


def test_a_file_named_after_the_starter_is_renamed_with_everything_that_cites_it(
    initialised: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, _ = initialised
    template = "docker/nginx/acme.conf.template"

    assert (tree / template).is_file()
    assert template in (tree / "docs" / "docker.md").read_text()
    assert '"acme.conf.template"' in (tree / "proof/reliability/test_slow_clients.py").read_text()


def test_init_renames_the_package_the_image_user_the_database_and_app_json(
    initialised: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, _ = initialised

    project = tomllib.loads((tree / "pyproject.toml").read_text())
    app = json.loads((tree / "app.json").read_text())
    compose = (tree / "docker-compose.yml").read_text()

    assert project["project"]["name"] == "acme"
    assert project["tool"]["starter"]["name"] == "acme"
    assert 'name = "acme"' in (tree / "uv.lock").read_text()
    assert "useradd --uid 10001 --gid acme" in (tree / "Dockerfile").read_text()
    assert "name: acme" in compose
    assert "POSTGRES_DB: acme" in compose
    assert app["name"] == "Acme"
    assert (tree / "README.md").read_text().startswith("# Acme\n")
    # Check ids are what owners silence by: they carry the project's name.
    assert any('id="acme.E001"' in path.read_text() for path in (tree / "apps").rglob("*.py"))


def test_the_initialised_lock_file_is_current(
    initialised: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, _ = initialised

    result = subprocess.run(
        [str(harness.UV), "lock", "--check"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr


def test_the_initialised_project_passes_its_tests_and_the_release_gate(
    initialised: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, _ = initialised

    tests = make(tree, "test", "PYTEST_ARGS=-q -p no:cacheprovider")
    gate = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=tree,
        env={
            "PATH": "/usr/bin:/bin",
            "ENV_FILE": "",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "acme.example.com",
            "USE_SSL": "true",
            "ADMIN_2FA": "true",
        },
        capture_output=True,
        text=True,
        check=False,
    )

    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout
    assert gate.returncode == 0, gate.stdout + gate.stderr


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda schema: schema.name)
def test_the_initialised_app_json_still_validates(
    initialised: tuple[Path, subprocess.CompletedProcess[str]], schema: Path
) -> None:
    tree, _ = initialised

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--schemafile",
            str(schema),
            str(tree / "app.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def lean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    tree = copy_project(tmp_path_factory.mktemp("lean") / "lean")
    return tree, make(tree, "init", "NAME=lean", "WITHOUT=demo proof")


def test_init_can_remove_the_demo_and_the_proof_too(
    lean: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, result = lean

    tests = make(tree, "test", "PYTEST_ARGS=-q -p no:cacheprovider")
    lint = make(tree, "lint")

    assert result.returncode == 0, result.stderr
    assert not (tree / "apps" / "demo").exists()
    assert not (tree / "proof").exists()
    assert "proof" not in tomllib.loads((tree / "pyproject.toml").read_text())["dependency-groups"]
    assert "prove:" not in (tree / "Makefile").read_text()
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert lint.returncode == 0, lint.stdout[-3000:] + lint.stderr[-2000:]


def test_init_without_the_proof_kit_never_installs_it(
    lean: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, _ = lean

    installed = {path.name for path in tree.glob(".venv/lib/python*/site-packages/*")}

    assert "django" in installed
    assert not {"playwright", "moto", "zizmor", "sympy"} & installed


# What the demo and the proof kit were: once removed, no kept file may send a reader there.
REMOVED = re.compile(
    r"proof/|apps[/]demo|make (prove|bench|remove-demo)|PROOF=|performance\.(md|png)"
)


def test_no_kept_file_cites_what_init_removed(
    lean: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, _ = lean

    citing = {
        name: [line for line in lines if REMOVED.search(line)]
        for name, lines in files_naming(tree, "").items()
        # The tool that removes them names what it removes.
        if name != "scripts/starter.py"
    }

    assert {name: lines for name, lines in citing.items() if lines} == {}


def test_commas_separate_what_init_removes_as_spaces_do(tmp_path: Path) -> None:
    tree = copy_project(tmp_path / "commas")

    result = make(tree, "init", "NAME=commas", "WITHOUT=demo,proof")

    assert result.returncode == 0, result.stderr
    assert not (tree / "apps" / "demo").exists()
    assert not (tree / "proof").exists()


def test_the_written_readme_starts_with_the_next_steps_and_keeps_the_upgrade(
    initialised: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, _ = initialised

    readme = (tree / "README.md").read_text()
    sections = re.findall(r"^## (.+)$", readme, flags=re.M)

    assert sections[:2] == ["Next steps", "Taking the starter's later releases"]
    assert "git add --all && git commit" in readme
    assert "git remote add starter" in readme
    assert "make upgrade REF=starter/main" in readme
    assert (tree / "docs" / "upgrading.md").is_file()


BAD_NAMES = {
    "capitals": ("Acme", "lower-case letters and digits"),
    "a space": ("my app", "lower-case letters and digits"),
    "a leading digit": ("1acme", "starting with a letter"),
    "a python keyword": ("class", "Python keyword"),
    "a soft keyword": ("match", "Python keyword"),
    "django": ("django", "module Python already imports"),
    "the standard library's test package": ("test", "module Python already imports"),
    "one of the project's folders": ("config", "project's own folders"),
    "shell metacharacters": ("acme;rm", "lower-case letters and digits"),
    "command substitution": ("$(id)", "lower-case letters and digits"),
    "nothing": ("", "lower-case letters and digits"),
    "the starter's own name": (STARTER, "starter's own name"),
    "a module the proof kit imports but .venv lacks": ("zizmor", "dependency's module name"),
    "a module the proofs import under another package name": ("yaml", "dependency's module name"),
}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = copy_project(tmp_path_factory.mktemp("pristine") / "tree")
    # Installed first, so that what `make init` prints is its own answer alone.
    assert make(tree, "install").returncode == 0
    return tree


def said(result: subprocess.CompletedProcess[str]) -> list[str]:
    """What init printed on stderr, without make's own "***" line about the failed recipe."""
    return [
        line for line in result.stderr.splitlines() if not re.match(r"make(\[\d+\])?: \*\*\*", line)
    ]


@pytest.mark.parametrize("case", BAD_NAMES)
def test_a_bad_name_changes_nothing_and_says_why_in_one_line(pristine: Path, case: str) -> None:
    name, reason = BAD_NAMES[case]
    before = snapshot(pristine)

    result = make(pristine, "init", f"NAME={name}")

    assert result.returncode != 0
    lines = said(result)
    assert len(lines) == 1, result.stderr
    assert reason in lines[0]
    assert snapshot(pristine) == before


def test_a_second_init_is_refused_and_changes_nothing(
    initialised: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tree, _ = initialised
    assert make(tree, "install").returncode == 0
    before = snapshot(tree)

    result = make(tree, "init", "NAME=other")

    assert result.returncode != 0
    lines = said(result)
    assert lines == [
        "make init: this project is already initialised as 'acme'; nothing was changed"
    ]
    assert snapshot(tree) == before


BAD_WITHOUT = {
    "a misspelt part": ("demo prof", "prof is not a part to remove"),
    "an unknown part": ("everything", "everything is not a part to remove"),
    "another separator": ("demo;proof", "demo;proof is not a part to remove"),
}


@pytest.mark.parametrize("case", BAD_WITHOUT)
def test_a_bad_without_changes_nothing_and_says_why_in_one_line(pristine: Path, case: str) -> None:
    without, reason = BAD_WITHOUT[case]
    before = snapshot(pristine)

    result = make(pristine, "init", "NAME=acme", f"WITHOUT={without}")

    assert result.returncode != 0
    lines = said(result)
    assert len(lines) == 1, result.stderr
    assert reason in lines[0]
    assert snapshot(pristine) == before


def test_an_init_failing_at_its_last_step_puts_everything_back(pristine: Path) -> None:
    before = snapshot(pristine)

    # The lock is the last step before the name is recorded: make it fail.
    result = subprocess.run(
        [str(pristine / ".venv/bin/python"), "scripts/starter.py", "init", "acme"],
        cwd=pristine,
        env={"PATH": "/usr/bin:/bin", "UV": "/bin/false"},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 2
    assert result.stderr.startswith("make init: uv lock failed, so nothing was changed")
    assert snapshot(pristine) == before
    assert "[tool.starter]" not in (pristine / "pyproject.toml").read_text()
