"""Lighthouse's accessibility audit gives 100 to the sign-in, sign-up and security pages.

Lighthouse (npm, pinned in lighthouse/package.json and package-lock.json, installed on
demand with `npm ci --ignore-scripts`) drives the system's Chromium against the live
server; the security page is audited signed in, with the session's cookie.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from pytest_django.live_server_helper import LiveServer

from proof.harness import unavailable
from proof.harness.browser import Login
from proof.harness.browser_fixtures import CHROMIUM

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parent / "lighthouse"
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        unavailable(f"{tool} is needed to run Lighthouse")
    return path


@pytest.fixture(scope="session")
def lighthouse() -> Path:
    manifest = json.loads((HERE / "package.json").read_text())
    installed = HERE / "node_modules" / "lighthouse" / "package.json"
    wanted = manifest["dependencies"]["lighthouse"]
    if not installed.is_file() or json.loads(installed.read_text())["version"] != wanted:
        subprocess.run(
            [require("npm"), "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=HERE,
            check=True,
            timeout=600,
        )
    return LIGHTHOUSE


def audit(lighthouse: Path, url: str, output: Path, cookie: str = "") -> dict[str, object]:
    headers = json.dumps({"Cookie": cookie} if cookie else {})
    subprocess.run(
        [
            str(lighthouse),
            url,
            "--only-categories=accessibility",
            "--chrome-flags=--headless --no-sandbox",
            f"--extra-headers={headers}",
            "--output=json",
            f"--output-path={output}",
            "--quiet",
        ],
        env={"CHROME_PATH": str(CHROMIUM), "PATH": "/usr/bin:/bin", "HOME": str(output.parent)},
        check=True,
        timeout=180,
    )
    report: dict[str, object] = json.loads(output.read_text())
    return report


def failures(report: dict[str, object]) -> list[str]:
    audits = report["audits"]
    assert isinstance(audits, dict)
    return [
        name
        for name, result in audits.items()
        if result.get("scoreDisplayMode") == "binary" and result.get("score") == 0
    ]


def score(report: dict[str, object]) -> float:
    categories = report["categories"]
    assert isinstance(categories, dict)
    return float(categories["accessibility"]["score"])


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_the_entrance_pages_score_100(
    live_server: LiveServer, lighthouse: Path, tmp_path: Path, path: str
) -> None:
    report = audit(lighthouse, live_server.url + path, tmp_path / "report.json")

    assert failures(report) == []
    assert score(report) == 1.0


def test_the_security_page_scores_100_signed_in(
    live_server: LiveServer, lighthouse: Path, tmp_path: Path, superuser: Login
) -> None:
    client = Client()
    client.force_login(
        get_user_model().objects.get(username=superuser.username),
        backend="allauth.account.auth_backends.AuthenticationBackend",
    )
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    report = audit(lighthouse, live_server.url + "/accounts/2fa/", tmp_path / "r.json", cookie)

    assert str(report["finalDisplayedUrl"]).endswith("/accounts/2fa/")
    assert failures(report) == []
    assert score(report) == 1.0
