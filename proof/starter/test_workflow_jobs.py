"""
The GitHub workflow's jobs, run here step by step before GitHub runs them.

The everyday job and the PostgreSQL job run in full: every `run:` step in
order, in a fresh clone, with the environment the workflow, the job and the
step set (CI=true included, so a missing tool fails as it would there), and
GITHUB_ENV carried from step to step. `uses:` steps map to local equivalents:

- actions/checkout: `git clone` of the committed tree into a new folder;
- actions/setup-python: `python3` and `python` on PATH are the requested
  version when this machine has it, otherwise this interpreter (the lock's
  wheels for every matrix Python are proved in test_workflows.py);
- a `postgres` service: the local server on 127.0.0.1:5432, with a throwaway
  database in place of POSTGRES_DB.

Each job gets its own timeout-minutes. The proof jobs need what only GitHub's
runners have (Docker's engine, Playwright's Chromium download, the runner's
Node.js), so their commands are checked for consistency with the repository
instead: every make target exists, every proof folder exists and reads the
variables the job sets.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from config.env import Env
from proof.harness import fresh_database
from tests.support.settings import REPO

WORKFLOW = REPO / ".github" / "workflows" / "ci.yml"
LEAKS = ("DJANGO_", "PYTEST_", "VIRTUAL_ENV", "PYTHONPATH", "ENV_FILE", "UV_PROJECT_ENVIRONMENT")
EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def workflow() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return loaded


def job(name: str) -> dict[str, Any]:
    found: dict[str, Any] = workflow()["jobs"][name]
    return found


def run_commands(name: str) -> str:
    return "\n".join(step.get("run", "") for step in job(name)["steps"])


def makefile_targets() -> set[str]:
    text = (REPO / "Makefile").read_text()
    return set(re.findall(r"^([a-z][a-z-]*):.*## ", text, re.MULTILINE))


def python(version: str) -> str:
    """An interpreter of this version on this machine, or else this one (the runner logs which)."""
    candidates = [
        shutil.which(f"python{version}", path=str(Path(sys.base_prefix) / "bin")),
        shutil.which(f"python{version}"),
    ]
    for candidate in filter(None, candidates):
        found = subprocess.run(
            [candidate, "-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if found.returncode == 0 and found.stdout.strip() == version:
            return candidate
    return str(Path(sys.base_prefix) / "bin" / "python3")


class Runner:
    """One job's steps in a fresh clone, the way a GitHub-hosted runner takes them."""

    def __init__(self, root: Path, name: str, matrix: dict[str, str]) -> None:
        self.job = job(name)
        self.workspace = root / "workspace"
        self.tools = root / "setup-python"
        self.github_env = root / "github-env"
        self.matrix = matrix
        self.deadline = 60.0 * self.job["timeout-minutes"]
        # The machine's own environment (its certificate authorities, its proxy), as a
        # runner has its image's, without Bastion's variables or this test run's.
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in Env.model_fields and not key.startswith(LEAKS)
        }
        self.env.update(
            {
                "GITHUB_ACTIONS": "true",
                "GITHUB_RUN_ID": "4242",
                "GITHUB_WORKSPACE": str(self.workspace),
                "GITHUB_ENV": str(self.github_env),
            }
        )
        self.github_env.touch()
        self.env.update(self.expand(workflow().get("env", {})))
        self.env.update(self.expand(self.job.get("env", {})))
        self.log: list[str] = []

    def expand(self, values: dict[str, Any]) -> dict[str, str]:
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("matrix."):
                return self.matrix[name.removeprefix("matrix.")]
            if name == "github.run_id":
                return self.env["GITHUB_RUN_ID"]
            pytest.fail(f"the emulation does not know ${{{{ {name} }}}}")

        return {key: EXPRESSION.sub(value, str(raw)) for key, raw in values.items()}

    def checkout(self, options: dict[str, Any]) -> None:
        assert options.get("persist-credentials") is False
        subprocess.run(
            ["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(self.workspace)],
            check=True,
            timeout=120,
        )

    def setup_python(self, options: dict[str, Any]) -> None:
        version = self.expand(options).get("python-version")
        if version is None:
            version = (self.workspace / options["python-version-file"]).read_text().strip()
        interpreter = python(version)
        self.tools.mkdir(exist_ok=True)
        for alias in ("python", "python3"):
            (self.tools / alias).symlink_to(interpreter)
        self.env["PATH"] = f"{self.tools}{os.pathsep}{self.env['PATH']}"
        self.log.append(f"setup-python {version}: {interpreter}")

    def run(self, step: dict[str, Any], timeout: float) -> None:
        env = {**self.env, **self.expand(step.get("env", {}))}
        script = self.workspace / ".step.sh"
        script.write_text(step["run"])
        # GitHub's default shell on Linux runners.
        name = step.get("name", step["run"].splitlines()[0])
        try:
            result = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=self.workspace,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            pytest.fail(f"{name} ran past the job's timeout-minutes, after {self.log}")
        script.unlink()
        assert result.returncode == 0, f"{name}:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
        self.log.append(f"{name}: ok")
        for line in self.github_env.read_text().splitlines():
            key, _, value = line.partition("=")
            self.env[key] = value

    def steps(self) -> None:
        started = time.monotonic()
        for step in self.job["steps"]:
            remaining = self.deadline - (time.monotonic() - started)
            assert remaining > 0, f"the job ran past its timeout-minutes: {self.log}"
            uses = step.get("uses", "")
            if uses.startswith("actions/checkout@"):
                self.checkout(step.get("with", {}))
            elif uses.startswith("actions/setup-python@"):
                self.setup_python(step.get("with", {}))
            elif uses:
                pytest.fail(f"no local equivalent for {uses}: document one in this module")
            else:
                self.run(step, remaining)


@pytest.fixture
def postgres_service() -> Iterator[str]:
    """The job's postgres service as a throwaway database on the local server."""
    with fresh_database("workflow") as database:
        yield database.name


def test_the_everyday_job_passes_on_this_machines_python(tmp_path: Path) -> None:
    local = f"{sys.version_info.major}.{sys.version_info.minor}"
    matrix = job("test")["strategy"]["matrix"]["python"]
    assert local in matrix, f"this machine's Python {local} is not one the workflow tests"
    runner = Runner(tmp_path, "test", {"python": local})

    runner.steps()

    assert runner.log[-3:] == ["Install: ok", "Lint: ok", "Test on SQLite: ok"]


def test_the_postgres_job_passes_against_a_real_server(
    tmp_path: Path, postgres_service: str
) -> None:
    service = job("postgres")["services"]["postgres"]
    runner = Runner(tmp_path, "postgres", {})
    url = urlsplit(runner.env["DATABASE_URL"])
    assert url.path == f"/{service['env']['POSTGRES_DB']}", "the URL names the service's database"
    assert url.port == int(service["ports"][0].split(":")[0])
    runner.env["DATABASE_URL"] = url._replace(path=f"/{postgres_service}").geturl()

    runner.steps()

    assert runner.log[-1] == "Test on PostgreSQL: ok"


def test_every_make_target_the_workflow_runs_exists() -> None:
    used = {
        target
        for name in workflow()["jobs"]
        for target in re.findall(r"(?:^|\n)\s*make ([a-z-]+)", run_commands(name))
    }

    assert used
    assert used <= makefile_targets()


@pytest.mark.parametrize(
    ("job_name", "variables"),
    [
        ("browser", {"BROWSER_EXECUTABLE"}),
        ("observatory", set()),
        ("proof", set()),
    ],
)
def test_each_proof_job_names_existing_proof_folders_that_read_its_variables(
    job_name: str, variables: set[str]
) -> None:
    proofs = " ".join(re.findall(r'PROOF="?([^"\n]+)', run_commands(job_name)))
    folders = re.findall(r"proof/[a-z]+", proofs)
    env = job(job_name).get("env", {})
    commands = run_commands(job_name)
    set_here = set(env) | set(re.findall(r"echo \"(\w+)=", commands))

    assert folders, f"{job_name} runs no proof folder"
    for folder in folders:
        assert (REPO / folder).is_dir(), f"{job_name}: {folder} does not exist"
    # Every proof folder reads its settings through the harness it depends on.
    sources = " ".join(
        path.read_text()
        for folder in [*folders, "proof/harness"]
        for path in (REPO / folder).rglob("*.py")
    )
    assert variables <= set_here, f"{job_name} must set {variables - set_here}"
    for variable in variables:
        assert variable in sources, f"nothing in {folders} reads {variable}"


def test_the_observatory_job_allows_the_user_namespace_its_scan_runs_in() -> None:
    """The scan's own namespace needs one; Ubuntu 24.04 refuses it unless this is lifted."""
    scan = (REPO / "proof" / "observatory" / "test_scan.py").read_text()
    commands = run_commands("observatory")
    lifted = commands.find("sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0")

    assert '"--net", "--mount", "--map-root-user"' in scan
    assert job("observatory")["runs-on"] == "ubuntu-24.04"
    assert 0 <= lifted < commands.index("make prove PROOF=proof/observatory")


def test_the_browser_job_finds_playwrights_chromium_with_the_documented_api(
    tmp_path: Path,
) -> None:
    """The one-liner that sets BROWSER_EXECUTABLE, run with the locked Playwright."""
    line = next(
        line for line in run_commands("browser").splitlines() if "BROWSER_EXECUTABLE=" in line
    )
    code = re.search(r"-c '([^']+)'", line)
    assert code is not None

    result = subprocess.run(
        [sys.executable, "-c", code.group(1)],
        env={**os.environ, "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(str(tmp_path)), result.stdout
    assert "chrom" in Path(result.stdout.strip()).name


def test_the_docker_job_probes_what_the_dockerfile_declares() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    commands = run_commands("docker")
    user = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)[-1]
    healthcheck = re.search(r"HEALTHCHECK --interval=(\d+)s .*--start-period=(\d+)s", dockerfile)
    assert healthcheck is not None
    loops = zip(
        re.findall(r"seq (\d+)\)", commands), re.findall(r"sleep (\d+)", commands), strict=True
    )
    waits = [int(attempts) * int(pause) for attempts, pause in loops]

    assert f'= "{user}"' in commands, "the job checks the image's non-root user"
    assert os.access(REPO / "heroku-release.sh", os.X_OK)
    assert "./heroku-release.sh" in commands
    # The job waits longer for "healthy" than the first health check can take.
    assert max(waits) > int(healthcheck.group(1)) + int(healthcheck.group(2))


def test_the_audit_job_runs_the_audit_target_strictly() -> None:
    makefile = (REPO / "Makefile").read_text()

    assert "make audit" in run_commands("audit")
    # pip-audit without --strict passes when the advisory service cannot be reached.
    assert re.search(r"^\t.*pip-audit --strict", makefile, re.MULTILINE)
