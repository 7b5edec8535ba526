"""
Bastion graded by the real MDN HTTP Observatory scanner.

The scanner is the npm package @mdn/mdn-http-observatory, pinned in
package.json and package-lock.json next to this file and installed on demand
with `npm ci --ignore-scripts`: its postinstall steps download the HSTS
preload list and a CA bundle, which needs the internet (see `scanner` below).

The production stack runs as on Heroku: gunicorn with gunicorn.conf.py and
the production environment on PostgreSQL, behind router.py, which terminates
TLS with a certificate from a throwaway CA and sets X-Forwarded-Proto as
Heroku's router does. The scanner only ever talks to ports 443 and 80 of a
host name, so it runs in a network namespace of its own where those ports
are free (isolated_scan.py). Its CLI grades the project's home page, the
sign-in page and the proof site's form page (proof/site, served with the proof
site's settings) with its own analyzers and grader, and the tests read its JSON.

The highest score without preload, from the grader's tables
(src/grader/charts.js, SCORE_TABLE): every scan starts at 100 and each of the
ten tests adds the modifier of its result. The best modifiers are
content-security-policy +10, cookies +5, referrer-policy +5,
subresource-integrity +5, x-frame-options +5 (via CSP frame-ancestors),
cross-origin-resource-policy +10, and 0 for cross-origin-resource-sharing,
redirection, x-content-type-options and strict-transport-security, whose +5
(hsts-preloaded) needs the host on the browsers' preload list:
100 + 10 + 5 + 5 + 5 + 5 + 10 = 140. Two of those bonuses grade content, not
headers: the cookie bonus needs a cookie and the SRI bonus an integrity=
attribute on every <script>. The sign-in page and the proof form page carry a
form (so the __Host- CSRF cookie) and load their scripts through {% script %},
which adds integrity=, so both reach 140. The home page is the user's to
change: a page with no cookie or no script gets no bonus for it, and no penalty.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest

from config.env import HSTS_STAGES
from proof import harness
from proof.harness import SITE_SETTINGS, free_port, fresh_database, unavailable
from proof.observatory.router import RouterServer, serving
from tests.support.settings import REPO, strong_key

pytestmark = pytest.mark.deploy

HERE = Path(__file__).resolve().parent
SCANNER_VERSION = "1.4.8"
SCANNER = HERE / "node_modules" / "@mdn" / "mdn-http-observatory"
# .test is reserved (RFC 6761): it is never a real host and on no preload list.
HOSTNAME = "bastion.test"
HOME = "/"
# The pages that set the __Host- CSRF cookie and load a script with integrity=.
FULL_MARKS = ("/accounts/login/", "/proof/form/")
PAGES = (HOME, *FULL_MARKS)
POSTGRES = "postgresql://postgres@127.0.0.1:5432"

# The grader credits HSTS in full from this max-age on
# (src/analyzer/tests/strict-transport-security.js, SIX_MONTHS).
SCANNER_SIX_MONTHS = 15552000
# The first stage the grader credits in full: "year".
FULL_CREDIT_STAGE = min(
    (stage for stage, seconds in HSTS_STAGES.items() if seconds >= SCANNER_SIX_MONTHS),
    key=HSTS_STAGES.__getitem__,
)
FIRST_STAGE = "hour"

# Results that only a host on the HSTS preload list can get.
PRELOAD_RESULTS = frozenset({"hsts-preloaded", "redirection-all-redirects-preloaded"})

# The best result of every test for a host that is not preloaded.
BEST = {
    "content-security-policy": "csp-implemented-with-no-unsafe-default-src-none",
    "cookies": "cookies-secure-with-httponly-sessions-and-samesite",
    "cross-origin-resource-sharing": "cross-origin-resource-sharing-not-implemented",
    "redirection": "redirection-to-https",
    "referrer-policy": "referrer-policy-private",
    "strict-transport-security": "hsts-implemented-max-age-at-least-six-months",
    "subresource-integrity": "sri-implemented-and-all-scripts-loaded-securely",
    "x-content-type-options": "x-content-type-options-nosniff",
    "x-frame-options": "x-frame-options-implemented-via-csp",
    "cross-origin-resource-policy": "corp-implemented-with-same-origin",
}

# What the content-graded tests find on a page without a cookie or without a
# script: nothing to grade, a modifier of 0.
NOTHING_TO_GRADE = {
    "cookies": "cookies-not-found",
    "subresource-integrity": "sri-not-implemented-but-no-scripts-loaded",
}


def allowed(page: str, test: str) -> set[str]:
    """A test's best result; on the home page, also nothing to grade (the module docstring)."""
    if page == HOME and test in NOTHING_TO_GRADE:
        return {BEST[test], NOTHING_TO_GRADE[test]}
    return {BEST[test]}


Report = dict[str, Any]
Tables = dict[str, dict[str, int]]


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        unavailable(f"{tool} is needed to run the MDN HTTP Observatory scan")
    return path


def installed_version() -> str | None:
    manifest = SCANNER / "package.json"
    return json.loads(manifest.read_text())["version"] if manifest.is_file() else None


@pytest.fixture(scope="session")
def node() -> str:
    node = require("node")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    if int(version.stdout.strip().lstrip("v").split(".")[0]) < 20:
        unavailable(f"the scanner needs Node.js 20 or later, not {version.stdout.strip()}")
    if installed_version() != SCANNER_VERSION:
        subprocess.run(
            [require("npm"), "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=HERE,
            check=True,
            timeout=600,
        )
    assert installed_version() == SCANNER_VERSION
    # The preload list is data the skipped postinstall step downloads from
    # Chromium's source; offline, the scan stops when it is missing. An empty
    # list answers "not preloaded", as the real list does for bastion.test.
    preload_list = SCANNER / "conf" / "hsts-preload.json"
    if not preload_list.exists():
        preload_list.write_text("{}\n")
    return node


@pytest.fixture(scope="session")
def grader_tables(node: str) -> Tables:
    """Every test's possible results with their score modifiers, read from the grader itself."""
    script = """
        const root = process.argv[1];
        const { SCORE_TABLE } = await import(`${root}/src/grader/charts.js`);
        const { ALL_RESULTS } = await import(`${root}/src/constants.js`);
        const tables = Object.fromEntries(ALL_RESULTS.map((output) => [
          output.name,
          Object.fromEntries(output.possibleResults.map((r) => [r, SCORE_TABLE.get(r).modifier])),
        ]));
        console.log(JSON.stringify(tables));
    """
    result = subprocess.run(
        [node, "--input-type=module", "-e", script, str(SCANNER)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    tables: Tables = json.loads(result.stdout)
    return tables


@pytest.fixture(scope="session")
def namespaces() -> list[str]:
    """The command that puts a process in new network and mount namespaces."""
    for tool in ("ip", "mount"):
        require(tool)
    command = [require("unshare"), "--net", "--mount", "--map-root-user"]
    probe = subprocess.run([*command, "true"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        unavailable(f"cannot create network namespaces: {probe.stderr.strip()}")
    return command


@pytest.fixture(scope="session")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway CA and a certificate for HOSTNAME that it signed."""
    openssl = require("openssl")
    folder = tmp_path_factory.mktemp("tls")
    curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-noenc"]

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=folder, check=True, capture_output=True, timeout=60)

    run(
        "req", "-x509", *curve, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=Bastion throwaway test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    )  # fmt: skip
    run(
        "req", "-x509", *curve, "-keyout", "site.key", "-out", "site.pem", "-days", "2",
        "-CA", "ca.pem", "-CAkey", "ca.key", "-subj", f"/CN={HOSTNAME}",
        "-addext", f"subjectAltName=DNS:{HOSTNAME}",
        "-addext", "basicConstraints=critical,CA:FALSE",
        "-addext", "extendedKeyUsage=serverAuth",
    )  # fmt: skip
    return folder


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A PostgreSQL database of its own, dropped afterwards."""
    try:
        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=5).close()
    except psycopg.OperationalError as error:
        unavailable(f"PostgreSQL is not reachable at {POSTGRES}: {error}")
    with fresh_database("observatory") as database:
        yield database.url


def production_env(stage: str, database_url: str) -> dict[str, str]:
    """A fresh process's environment with Bastion's production configuration."""
    from config.env import Env

    env = {key: value for key, value in os.environ.items() if key not in Env.model_fields}
    env.update(
        {
            "ENV_FILE": "",
            "SECRET_KEY": strong_key(),
            "DEBUG": "false",
            "ALLOWED_HOSTS": HOSTNAME,
            "USE_SSL": "true",
            "HSTS_STAGE": stage,
            "DATABASE_URL": database_url,
            # The project's settings plus the proof site, which serves the form page.
            "DJANGO_SETTINGS_MODULE": SITE_SETTINGS,
            # One worker is plenty for a scan.
            "WEB_CONCURRENCY": "1",
        }
    )
    return env


@pytest.fixture(scope="session")
def migrated_database(database_url: str) -> str:
    """What a build and a release leave: collected static files, a migrated database."""
    harness.collectstatic()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=REPO,
        env=production_env(FIRST_STAGE, database_url),
        check=True,
        capture_output=True,
        timeout=300,
    )
    return database_url


def healthy(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz", headers={"Host": HOSTNAME})
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def gunicorn(stage: str, database_url: str, log: Path) -> Iterator[int]:
    """Bastion's web process as the Procfile starts it, on a free loopback port."""
    port = free_port()
    env = production_env(stage, database_url)
    env["GUNICORN_CMD_ARGS"] = f"--bind 127.0.0.1:{port}"
    # gunicorn puts its control socket under $HOME; one per server, not shared.
    env["HOME"] = str(log.parent)
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "config.wsgi"],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while not healthy(port):
            assert process.poll() is None, f"gunicorn exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"gunicorn not ready in 30 s:\n{log.read_text()}"
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def scan_site(
    namespaces: list[str], node: str, certificates: Path, upstream_port: int, folder: Path
) -> dict[str, Report]:
    """Scan every page through the router; the scanner runs in its own network namespace."""
    plan = {
        "hostname": HOSTNAME,
        "pages": list(PAGES),
        "node": node,
        # The CLI itself: bin/wrapper.js only points NODE_EXTRA_CA_CERTS at a
        # CA bundle that the skipped postinstall step would download, which
        # would also replace the throwaway CA given here.
        "scanner_cli": str(SCANNER / "src" / "scan.js"),
        "ca_certificate": str(certificates / "ca.pem"),
        "path": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    plan_file = folder / "plan.json"
    plan_file.write_text(json.dumps(plan))
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(certificates / "site.pem", certificates / "site.key")

    ours, theirs = socket.socketpair()
    arguments = [str(theirs.fileno()), str(plan_file)]
    process = subprocess.Popen(
        [*namespaces, sys.executable, str(HERE / "isolated_scan.py"), *arguments],
        pass_fds=[theirs.fileno()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    theirs.close()
    try:
        ours.settimeout(60)
        _, fds, _, _ = socket.recv_fds(ours, 64, 2)
        ours.close()
        if len(fds) != 2:
            _, errors = process.communicate(timeout=30)
            pytest.fail(f"the isolated scan did not start:\n{errors}")
        https, plain = (socket.socket(fileno=fd) for fd in fds)
        upstream = ("127.0.0.1", upstream_port)
        routers = [
            RouterServer(https, scheme="https", port=443, upstream=upstream, tls=tls),
            RouterServer(plain, scheme="http", port=80, upstream=upstream),
        ]
        with serving(routers):
            output, errors = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 0, errors
    reports: dict[str, Report] = json.loads(output)
    return reports


@pytest.fixture(scope="module")
def scan_at(
    namespaces: list[str],
    node: str,
    certificates: Path,
    migrated_database: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str], dict[str, Report]]:
    """The reports of every page with Bastion at one HSTS stage, each stage scanned once."""
    reports: dict[str, dict[str, Report]] = {}

    def scan(stage: str) -> dict[str, Report]:
        if stage not in reports:
            folder = tmp_path_factory.mktemp(f"scan-{stage}")
            with gunicorn(stage, migrated_database, folder / "gunicorn.log") as port:
                reports[stage] = scan_site(namespaces, node, certificates, port, folder)
            print(f"\ngunicorn at HSTS_STAGE={stage}:\n{(folder / 'gunicorn.log').read_text()}")
        return reports[stage]

    return scan


def show(page: str, stage: str, report: Report) -> None:
    summary = report["scan"]
    print(f"\n{page} at HSTS_STAGE={stage}: grade {summary['grade']}, score {summary['score']}")
    for name, value in summary["responseHeaders"].items():
        print(f"  {name}: {value}")
    for name, test in report["tests"].items():
        verdict = "pass" if test["pass"] else "FAIL"
        print(f"  {verdict} {test['scoreModifier']:+4d} {name}: {test['result']}")


def results(report: Report) -> dict[str, str]:
    return {name: test["result"] for name, test in report["tests"].items()}


def score_of(outcomes: dict[str, str], tables: Tables) -> int:
    return 100 + sum(tables[test][outcome] for test, outcome in outcomes.items())


def test_the_highest_score_without_preload_is_140_and_every_best_result_earns_it(
    grader_tables: Tables,
) -> None:
    neutral = {test: grader_tables[test][outcome] for test, outcome in NOTHING_TO_GRADE.items()}
    assert neutral == {"cookies": 0, "subresource-integrity": 0}
    best_modifiers = {
        test: max(m for outcome, m in outcomes.items() if outcome not in PRELOAD_RESULTS)
        for test, outcomes in grader_tables.items()
    }

    assert {test: grader_tables[test][outcome] for test, outcome in BEST.items()} == best_modifiers
    assert 100 + sum(best_modifiers.values()) == score_of(BEST, grader_tables) == 140


@pytest.mark.parametrize("page", PAGES)
def test_the_page_scores_a_plus_with_its_highest_score_at_the_first_full_hsts_stage(
    scan_at: Callable[[str], dict[str, Report]], grader_tables: Tables, page: str
) -> None:
    report = scan_at(FULL_CREDIT_STAGE)[page]
    show(page, FULL_CREDIT_STAGE, report)
    hsts = report["tests"]["strict-transport-security"]
    redirection = report["tests"]["redirection"]

    outcomes = results(report)
    assert outcomes.keys() == BEST.keys()
    assert {test: got for test, got in outcomes.items() if got not in allowed(page, test)} == {}
    assert redirection["route"] == [f"http://{HOSTNAME}{page}", f"https://{HOSTNAME}{page}"]
    assert all(test["pass"] for test in report["tests"].values())
    assert hsts["maxAge"] == HSTS_STAGES[FULL_CREDIT_STAGE]
    assert hsts["preloaded"] is False
    assert report["scan"]["statusCode"] == 200
    assert report["scan"]["grade"] == "A+"
    assert report["scan"]["score"] == score_of(outcomes, grader_tables)


def test_the_sign_in_page_and_the_proof_form_reach_140_with_the_host_prefixed_csrf_cookie_and_sri(
    scan_at: Callable[[str], dict[str, Report]],
) -> None:
    reports = scan_at(FULL_CREDIT_STAGE)

    for page in FULL_MARKS:
        assert reports[page]["scan"]["score"] == 140, page
        assert reports[page]["tests"]["cookies"]["data"].keys() == {"__Host-csrftoken"}, page


@pytest.mark.parametrize("page", PAGES)
def test_at_the_first_hsts_stage_the_short_max_age_costs_10_and_the_grade_stays_a_plus(
    scan_at: Callable[[str], dict[str, Report]], grader_tables: Tables, page: str
) -> None:
    report = scan_at(FIRST_STAGE)[page]
    show(page, FIRST_STAGE, report)
    full_credit = results(scan_at(FULL_CREDIT_STAGE)[page])
    expected = full_credit | {
        "strict-transport-security": "hsts-implemented-max-age-less-than-six-months"
    }
    failed = {name for name, test in report["tests"].items() if not test["pass"]}

    assert results(report) == expected
    assert failed == {"strict-transport-security"}
    assert report["tests"]["strict-transport-security"]["maxAge"] == HSTS_STAGES[FIRST_STAGE]
    assert report["scan"]["grade"] == "A+"
    assert report["scan"]["score"] == score_of(expected, grader_tables)
    assert score_of(expected, grader_tables) == score_of(full_credit, grader_tables) - 10
