"""
Turn the starter into your own project, remove its demo, and take its later releases.

    make init NAME=acme [WITHOUT="demo proof"]         (python scripts/starter.py init acme ...)
    make remove-demo                                   (python scripts/starter.py remove-demo)
    make app NAME=shop                                 (python scripts/starter.py app shop)
    make upgrade REF=starter/main                      (python scripts/starter.py upgrade REF)

The starter's name is read from pyproject.toml, never written here, so this file names
no project. `init` renames every mention of it, regenerates uv.lock and writes a short
README; it records the new name under [tool.starter] in pyproject.toml, which is also how
a second `init` knows to refuse. `upgrade` checks a later release of the starter out
beside this tree, replays the same `init` (and the demo's or the proof's removal, where
this tree has them removed) on it and on the release this project last took, and merges
the one against the other: the renamed lines are then no change at all, and only real
changes meet.

Lines that exist only for the demo or for the proof kit carry a marker in a comment:
`[demo]` or `[proof]` on the line itself, or a block from `[demo:start]` to `[demo:end]`
(likewise for proof), so one rule removes them from any kind of file.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import keyword
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

NAME_RULE = re.compile(r"[a-z][a-z0-9]{1,29}")
# The project's own top-level folders and packages: a project may not be named after them.
RESERVED = {"apps", "config", "docker", "docs", "proof", "scripts", "static", "templates", "tests"}
# Never rewritten: dependencies, build output, caches, and the licence's attribution line.
SKIPPED_PARTS = {".git", ".venv", ".tools", "node_modules", "staticfiles", "__pycache__"}
KEPT_FILES = {"LICENSE", "uv.lock"}

PARTS = {
    "demo": {
        "folders": ["apps/demo", "tests/apps/demo", "proof/demo"],
        "files": ["proof/starter/test_remove_demo.py"],
        "targets": ["remove-demo"],
    },
    "proof": {
        "folders": ["proof"],
        # The benchmark's report: its figures come from the proof kit's bench and site.
        "files": ["docs/performance.md", "docs/performance.png"],
        "targets": ["prove", "bench"],
    },
}
# Proofs of `init` itself: once it has run, there is nothing left for them to prove.
INIT_PROOFS = ["proof/starter/test_init.py", "proof/starter/test_upgrade.py"]


class Refused(Exception):
    """Bad input: nothing was changed, and the message says why in one line."""


# Files


def project_files(root: Path) -> list[Path]:
    """Every text file of the project that is not a dependency, a cache or build output."""
    files = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or SKIPPED_PARTS.intersection(relative.parts):
            continue
        try:
            path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        files.append(path)
    return files


def without_marked(text: str, part: str) -> str:
    """The text without the lines and blocks marked as belonging to `part`."""
    block = re.compile(rf"^[^\n]*\[{part}:start\].*?^[^\n]*\[{part}:end\][^\n]*\n", re.S | re.M)
    text = block.sub("", text)
    return "".join(line for line in text.splitlines(keepends=True) if f"[{part}]" not in line)


def top_level_items(cell: str) -> list[str]:
    """A table cell's comma-separated items, not split inside `code` or (parentheses)."""
    items, depth, code, start = [], 0, False, 0
    for index, char in enumerate(cell):
        code = not code if char == "`" else code
        depth += (char == "(") - (char == ")") if not code else 0
        if char == "," and not code and depth == 0:
            items.append(cell[start:index].strip())
            start = index + 1
    return [*items, cell[start:].strip()]


def without_citations(markdown: str, folder: str) -> str:
    """Markdown tables without the items of their last column that cite files under `folder`.

    A `::test_name` item right after a dropped one belongs to the same file and goes too.
    """
    lines = []
    for line in markdown.splitlines(keepends=True):
        row = line
        if row.startswith("| ") and f"`{folder}/" in row:
            head, _, last = row.rstrip("\n").rstrip(" |").rpartition(" | ")
            kept: list[str] = []
            dropping = False
            for item in top_level_items(last):
                dropping = item.startswith(f"`{folder}/") or (dropping and item.startswith("`::"))
                if not dropping:
                    kept.append(item)
            row = f"{head} | {', '.join(kept) or '-'} |\n"
        lines.append(row)
    return "".join(lines)


def without_targets(makefile: str, targets: list[str]) -> str:
    """The Makefile without these targets, their recipes, and their names in .PHONY."""
    for target in targets:
        makefile = re.sub(rf"^{re.escape(target)}:.*\n(\t.*\n)*\n?", "", makefile, flags=re.M)
        makefile = re.sub(rf"^(\.PHONY:.*) {re.escape(target)}\b", r"\1", makefile, flags=re.M)
    return makefile


def remove_part(root: Path, part: str) -> None:
    spec = PARTS[part]
    for folder in spec["folders"]:
        shutil.rmtree(root / folder, ignore_errors=True)
    for name in spec["files"]:
        (root / name).unlink(missing_ok=True)
    for path in project_files(root):
        if path.name == Path(__file__).name:
            continue  # it explains the markers, and is not part of either
        text = path.read_text(encoding="utf-8")
        edited = without_marked(text, part)
        if path.name == "Makefile":
            edited = without_targets(edited, spec["targets"])
        if path.suffix == ".md":
            for folder in spec["folders"]:
                edited = without_citations(edited, folder)
        if edited != text:
            path.write_text(edited, encoding="utf-8")


# Names


def pyproject(root: Path) -> dict[str, object]:
    with (root / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)


def recorded_name(root: Path) -> str | None:
    tool = pyproject(root).get("tool", {})
    starter = tool.get("starter", {}) if isinstance(tool, dict) else {}
    name = starter.get("name") if isinstance(starter, dict) else None
    return name if isinstance(name, str) else None


def locked_packages(root: Path) -> set[str]:
    """Every package uv.lock names (any group), as the module name it would import as."""
    lock_file = root / "uv.lock"
    if not lock_file.is_file():
        return set()
    packages = tomllib.loads(lock_file.read_text(encoding="utf-8")).get("package", [])
    return {str(package["name"]).replace("-", "_").lower() for package in packages}


IMPORT = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", re.M)


def imported_modules(root: Path) -> set[str]:
    """The top-level modules the project's own code imports, installed or not (the proof kit)."""
    modules: set[str] = set()
    for path in project_files(root):
        if path.suffix == ".py":
            modules.update(IMPORT.findall(path.read_text(encoding="utf-8")))
    return modules


def name_problem(name: str, root: Path = ROOT, *, what: str = "project") -> str | None:
    if not NAME_RULE.fullmatch(name):
        return (
            f"{name!r} cannot be the {what}'s name: use 2 to 30 lower-case letters and digits, "
            "starting with a letter (like acme)"
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return f"{name!r} is a Python keyword; choose another name"
    if name in RESERVED:
        return f"{name!r} is one of the project's own folders; choose another name"
    if name == pyproject(root)["project"]["name"]:  # type: ignore[index]
        whose = "project's" if recorded_name(root) else "starter's"
        return f"{name!r} is the {whose} own name; choose your {what}'s name"
    if importlib.util.find_spec(name) is not None:
        return f"{name!r} is a module Python already imports; choose a name nothing else uses"
    if name in locked_packages(root) or name in imported_modules(root):
        return f"{name!r} is a dependency's module name; choose a name nothing else uses"
    return None


def parts_to_remove(words: str) -> list[str]:
    """WITHOUT's words (space- or comma-separated), each one a part the starter can remove."""
    given = [word for word in re.split(r"[\s,]+", words) if word]
    if unknown := [word for word in given if word not in PARTS]:
        known = " ".join(PARTS)
        raise Refused(
            f"WITHOUT={words!r}: {' '.join(unknown)} is not a part to remove (use {known!r})"
        )
    return [part for part in PARTS if part in given]


def display_name(name: str) -> str:
    return name[:1].upper() + name[1:]


def renamed(text: str, old: str, new: str) -> str:
    for before, after in (
        (old.upper(), new.upper()),
        (display_name(old), display_name(new)),
        (old, new),
    ):
        text = text.replace(before, after)
    return text


# init


def starter_remote(root: Path) -> str:
    """Where this tree was cloned from: the starter, which `make upgrade` takes releases of."""
    result = subprocess.run(
        ["git", "remote", "get-url", "origin"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else "<the starter's repository URL>"


def readme(root: Path, title: str, remote: str) -> str:
    """A short README for the new project: next steps first, then the starter's reference."""
    starter = (root / "README.md").read_text(encoding="utf-8")
    kept = re.findall(r"<!-- keep:start -->\n(.*?)<!-- keep:end -->", starter, flags=re.S)
    sections = "\n".join(section.rstrip() + "\n" for section in kept)
    return f"""# {title}

What {title} is, in a sentence or two.

## Next steps

```sh
git add --all && git commit -m "{title}, from the starter"
git remote rename origin starter      # or: git remote add starter {remote}
git remote add origin <your repository URL>
make test
```

## Taking the starter's later releases

A later release of the starter (a security fix in the settings or the checks) comes
in as a merge, renamed as this project:

```sh
git fetch starter
make upgrade REF=starter/main
make test
```

[docs/upgrading.md](docs/upgrading.md) explains how it replays `make init` on the
release so that only real changes meet, and what to do when the merge stops.

{sections}"""


def lock(root: Path) -> None:
    uv = os.environ.get("UV") or shutil.which("uv") or str(root / ".tools" / "bin" / "uv")
    result = subprocess.run(
        [uv, "lock", "--quiet", "--python", sys.executable],
        cwd=root,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
        raise Refused(f"uv lock failed, so nothing was changed: {last}")


def init(root: Path, name: str, *, remove: list[str]) -> list[str]:
    """Make the tree at `root` the project `name`; return the files it changed."""
    if (already := recorded_name(root)) is not None:
        raise Refused(f"this project is already initialised as {already!r}; nothing was changed")
    if (problem := name_problem(name, root)) is not None:
        raise Refused(problem)
    old = str(pyproject(root)["project"]["name"])  # type: ignore[index]
    remote = starter_remote(root)
    before = {path: path.read_bytes() for path in project_files(root)}
    try:
        changed = make_it(root, old, name, remote=remote, remove=remove)
    except BaseException:
        restore(root, before)
        raise
    after = set(changed)
    return sorted(
        str(path.relative_to(root))
        for path in [*(p for p in after if before.get(p) != p.read_bytes()), *before.keys() - after]
    )


def restore(root: Path, before: dict[Path, bytes]) -> None:
    """Put every file back as it was and drop the new ones: a failed init changes nothing."""
    for path in project_files(root):
        if path not in before:
            path.unlink()
    for path, content in before.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_bytes() != content:
            path.write_bytes(content)


def make_it(root: Path, old: str, name: str, *, remote: str, remove: list[str]) -> list[Path]:
    """The renaming itself; return the project's files afterwards."""
    for part in remove:
        remove_part(root, part)
    for proof in INIT_PROOFS:
        (root / proof).unlink(missing_ok=True)
    (root / "README.md").write_text(readme(root, display_name(name), remote), encoding="utf-8")
    for path in project_files(root):
        if path.name in KEPT_FILES:
            continue
        text = path.read_text(encoding="utf-8")
        if (edited := renamed(text, old, name)) != text:
            path.write_text(edited, encoding="utf-8")
    for path in project_files(root):
        relative = str(path.relative_to(root))
        if (moved := renamed(relative, old, name)) != relative:
            # Files named after the starter (docker/nginx's template): the edited
            # lines above already name the new path.
            (root / moved).parent.mkdir(parents=True, exist_ok=True)
            path.rename(root / moved)
    describe(root, display_name(name))
    lock(root)
    # Last: a tree is marked as initialised only once everything else has worked.
    record(root, name)
    return project_files(root)


def describe(root: Path, title: str) -> None:
    """The new project's own description in pyproject.toml and app.json."""
    sentence = f"{title}, a Django project."
    path = root / "pyproject.toml"
    text = re.sub(
        r'^description = ".*"$',
        f'description = "{sentence}"',
        path.read_text(),
        count=1,
        flags=re.M,
    )
    path.write_text(text)
    app = root / "app.json"
    document = json.loads(app.read_text())
    document["description"] = sentence
    app.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def record(root: Path, name: str) -> None:
    path = root / "pyproject.toml"
    path.write_text(
        path.read_text()
        + "\n[tool.starter]\n"
        + "# What `make init` was given; `make upgrade` replays it on a later starter release.\n"
        + f'name = "{name}"\n'
    )


# upgrade


def git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise Refused(f"git {args[0]} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def upgrade(root: Path, ref: str) -> str:
    """Merge the starter's `ref`, renamed as this project was; return the merge's outcome.

    A merge compares both sides with their common ancestor. Here that ancestor is the
    starter release this project last took, which still carries the starter's name:
    against it, every renamed line is a change on both sides, so a starter fix beside
    one would conflict. The merge is therefore made against that release renamed too,
    as `init` made this project from it; only the owner's changes and the starter's
    then meet. The merge commit's second parent is the renamed `ref`, whose parent is
    `ref` itself, so the next upgrade starts from it.
    """
    name = recorded_name(root)
    if name is None:
        raise Refused("run `make init NAME=...` first: this tree is still the starter itself")
    if not ref.strip():
        raise Refused("say which release to take: make upgrade REF=starter/main")
    if git(root, "status", "--porcelain"):
        raise Refused("commit or stash your changes first: the merge needs a clean tree")
    commit = git(root, "rev-parse", "--verify", f"{ref}^{{commit}}")
    base = git(root, "merge-base", "HEAD", commit)
    removed = [
        part
        for part, folder in (("demo", "apps/demo"), ("proof", "proof"))
        if not (root / folder).exists()
    ]
    renamed_base = renamed_release(root, base, "the release this project last took", name, removed)
    renamed_commit = renamed_release(root, commit, ref, name, removed)
    merge = subprocess.run(
        ["git", "merge-recursive", renamed_base, "--", "HEAD", renamed_commit],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    message = f"Take the starter's {ref}"
    if merge.returncode not in (0, 1):  # 1 is a conflict; anything else touched nothing
        raise Refused(f"git merge-recursive failed: {merge.stderr.strip()}")
    if merge.returncode == 1:
        # What `git merge` leaves on a conflict: `git commit` then records the merge,
        # and `git merge --abort` undoes it.
        (root / git(root, "rev-parse", "--git-path", "MERGE_HEAD")).write_text(
            renamed_commit + "\n"
        )
        (root / git(root, "rev-parse", "--git-path", "MERGE_MSG")).write_text(message + "\n")
        raise Refused(
            "the merge stopped on conflicts: resolve them (docs/upgrading.md), "
            "then `git commit`; or `git merge --abort` to leave things as they were"
        )
    tree = git(root, "write-tree")
    merged = git(root, "commit-tree", tree, "-p", "HEAD", "-p", renamed_commit, "-m", message)
    git(root, "update-ref", "-m", message, "HEAD", merged)
    return f"merged the starter's {ref} ({commit[:12]}) as {name}"


def renamed_release(root: Path, commit: str, ref: str, name: str, removed: list[str]) -> str:
    """A commit on top of `commit` holding it as `init` renames it: its own init, replayed."""
    with tempfile.TemporaryDirectory(prefix="starter-upgrade-") as scratch:
        release = Path(scratch) / "release"
        git(root, "worktree", "add", "--detach", str(release), commit)
        try:
            replay = subprocess.run(
                [
                    sys.executable,
                    str(release / "scripts" / "starter.py"),
                    "init",
                    name,
                    *(f"--remove-{part}" for part in removed),
                ],
                cwd=release,
                capture_output=True,
                text=True,
                check=False,
            )
            if replay.returncode != 0:
                raise Refused(f"replaying init on {ref} failed: {replay.stderr.strip()}")
            git(release, "add", "--all")
            git(
                release,
                "-c",
                "user.name=make upgrade",
                "-c",
                "user.email=upgrade@localhost",
                "commit",
                "--quiet",
                "--no-verify",
                "-m",
                f"Starter {ref} ({commit[:12]}), as {name}",
            )
            return git(release, "rev-parse", "HEAD")
        finally:
            git(root, "worktree", "remove", "--force", str(release))


# app

# `make app`'s files: app/ becomes apps/<name>/, tests/ becomes tests/apps/<name>/; NAME in a
# path and <<name>>, <<Title>> in a file become the app's name.
APP_TEMPLATE = ROOT / "scripts" / "app_template"
CORE_URLS = '    path("", include("apps.core.urls")),\n'


def add_app(root: Path, name: str) -> list[str]:
    """Write the app `name` with its page, model, migration and tests; return what it wrote."""
    if (problem := name_problem(name, root, what="app")) is not None:
        raise Refused(problem)
    if (root / "apps" / name).exists() or (root / "tests" / "apps" / name).exists():
        raise Refused(f"apps/{name} or tests/apps/{name} exists already; choose another name")
    settings_path, urls_path = root / "config" / "settings.py", root / "config" / "urls.py"
    settings, urls = settings_path.read_text(), urls_path.read_text()
    apps_list = re.search(r"^INSTALLED_APPS = \[\n.*?^\]", settings, flags=re.M | re.S)
    if apps_list is None or CORE_URLS not in urls:
        raise Refused("config/settings.py or config/urls.py no longer looks as `make app` expects")
    written = []
    for template in sorted(APP_TEMPLATE.rglob("*.tmpl")):
        relative = str(template.relative_to(APP_TEMPLATE)).removesuffix(".tmpl")
        relative = re.sub(r"^app/", "apps/NAME/", re.sub(r"^tests/", "tests/apps/NAME/", relative))
        path = root / relative.replace("NAME", name)
        path.parent.mkdir(parents=True, exist_ok=True)
        content = template.read_text(encoding="utf-8")
        path.write_text(content.replace("<<name>>", name).replace("<<Title>>", display_name(name)))
        written.append(str(path.relative_to(root)))
    end = apps_list.end() - 1
    settings_path.write_text(f'{settings[:end]}    "apps.{name}",\n{settings[end:]}')
    mount = f'    path("{name}/", include("apps.{name}.urls")),\n'
    urls_path.write_text(urls.replace(CORE_URLS, mount + CORE_URLS, 1))
    return [*written, "config/settings.py", "config/urls.py"]


# Command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="starter", description=__doc__.split("\n\n")[1])
    commands = parser.add_subparsers(dest="command", required=True)
    init_parser = commands.add_parser("init", help="make the starter your own project")
    init_parser.add_argument("name")
    init_parser.add_argument("--remove-demo", action="store_true")
    init_parser.add_argument("--remove-proof", action="store_true")
    init_parser.add_argument("--without", default="", help="parts to remove: demo, proof")
    commands.add_parser("remove-demo", help="delete the demo and everything only it needed")
    app_parser = commands.add_parser("app", help="add an app with its page, model and tests")
    app_parser.add_argument("name")
    upgrade_parser = commands.add_parser("upgrade", help="merge a later release of the starter")
    upgrade_parser.add_argument("ref")
    upgrade_parser.add_argument("--name", default="")
    upgrade_parser.add_argument("--without", default="")
    args = parser.parse_args(argv)

    try:
        if args.command == "init":
            flags = [part for part in PARTS if getattr(args, f"remove_{part}")]
            remove = sorted({*flags, *parts_to_remove(args.without)}, key=list(PARTS).index)
            changed = init(ROOT, args.name, remove=remove)
            print(f"This is now {display_name(args.name)}: {len(changed)} files changed.")
            print(
                "Next: the steps at the top of README.md (commit, the starter remote, make test)."
            )
        elif args.command == "app":
            written = add_app(ROOT, args.name)
            print(f"Added apps/{args.name}: {len(written)} files, mounted at /{args.name}/.")
            print("Next: make test, then make dev and open the page.")
        elif args.command == "remove-demo":
            if not (ROOT / "apps" / "demo").is_dir():
                raise Refused("the demo is already gone")
            remove_part(ROOT, "demo")
            print("The demo is gone: its app, tests, proofs, settings line, URLs and docs.")
            print("A database that ran the demo keeps its demo_* tables; drop them if you like.")
        else:
            if args.name or args.without:
                raise Refused(
                    "it takes REF only, and replays the NAME and WITHOUT that make init recorded"
                )
            print(upgrade(ROOT, args.ref))
    except Refused as refused:
        print(f"make {args.command}: {refused}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
