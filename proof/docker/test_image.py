"""
The production image, built from the real Dockerfile and run as it would be deployed.

buildah builds the Dockerfile without a Docker engine, and `buildah run`
shares this host's network, so the container's gunicorn listens on loopback
and talks to the PostgreSQL on 127.0.0.1:5432. Where no registry can be
reached, BASE_IMAGES_SCRIPT names a script that makes the base images
(python:3.13-slim, ghcr.io/astral-sh/uv:<version>) locally; it is run with
UV_VERSION set. Without it, buildah uses the images it already has or pulls.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

import psycopg
import pytest

from proof.docker.image import DOCKERFILE, buildah, image
from proof.docker.image import run as _run
from proof.harness import free_port as _free_port
from proof.harness import fresh_database
from proof.harness.processes import group_pids as _process_group

__all__ = ["buildah", "image"]

pytestmark = pytest.mark.deploy

POSTGRES = "postgresql://postgres@127.0.0.1:5432"
HOST = "bastion.example.test"

# The image may grow with the dependencies, but not by a second toolchain:
# the dev group alone would add several hundred MB. The runtime dependencies
# come to about 120 MB, botocore (for S3 uploads) the largest of them.
SIZE_BUDGET_ABOVE_BASE_MB = 150
BOOT_TIMEOUT_SECONDS = 60


def _buildah_run(container: str, *command: str, env: dict[str, str] | None = None) -> list[str]:
    flags = [f"--env={name}={value}" for name, value in (env or {}).items()]
    return ["buildah", "run", "--isolation", "chroot", *flags, container, "--", *command]


def _size_mb(text: str) -> float:
    """buildah's sizes, written like "303 MB" in decimal units."""
    match = re.fullmatch(r"([\d.]+)\s*([kMG]?B)", text.strip())
    assert match, f"unexpected size {text!r}"
    scale = {"B": 1e-6, "kB": 1e-3, "MB": 1.0, "GB": 1e3}[match.group(2)]
    return float(match.group(1)) * scale


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> Response:
    """One GET to the container on loopback; redirects are reported, never followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def image_config(image: str) -> dict[str, Any]:
    """The image's Docker config: CMD, HEALTHCHECK, USER, as docker run reads them."""
    inspected = json.loads(_run(["buildah", "inspect", "--type", "image", image]))
    config: dict[str, Any] = inspected["Docker"]["config"]
    return config


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A fresh database of its own, dropped afterwards."""
    with fresh_database("docker") as database:
        yield database.name


@pytest.fixture(scope="module")
def port() -> int:
    return _free_port()


@pytest.fixture(scope="module")
def production_env(database: str, port: int) -> dict[str, str]:
    """What an operator sets: HTTPS behind a proxy, a strong key, the real host name."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "USE_SSL": "true",
        "ALLOWED_HOSTS": HOST,
        # Staff enter the admin with a second factor (deploy check bastion.W181).
        "ADMIN_2FA": "true",
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "PORT": str(port),
        # gunicorn.conf.py binds 0.0.0.0:$PORT; the test keeps it on loopback.
        "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{port}",
    }


@pytest.fixture(scope="module")
def container(image: str, production_env: dict[str, str]) -> Iterator[str]:
    """A container of the image with the production environment, as `docker run -e` gives it."""
    name = f"bastion-deploy-test-{secrets.token_hex(4)}"
    _run(["buildah", "from", "--pull=false", "--name", name, image])
    try:
        flags = [f"--env={key}={value}" for key, value in production_env.items()]
        _run(["buildah", "config", *flags, name])
        yield name
    finally:
        _run(["buildah", "rm", name], check=False)


@pytest.fixture(scope="module")
def release(container: str) -> subprocess.CompletedProcess[str]:
    """The release step, as a one-off command of the image, before the server starts."""
    return subprocess.run(
        _buildah_run(container, "./heroku-release.sh"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the whole group (buildah, gunicorn and its workers), SIGKILL if it lingers."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _process_group(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    for pid in _process_group(process.pid):
        os.kill(pid, signal.SIGKILL)


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture(scope="module")
def server(
    container: str,
    image_config: dict[str, Any],
    port: int,
    release: subprocess.CompletedProcess[str],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    """The image's own CMD, started after the release step, until it answers /healthz."""
    if release.returncode != 0:
        pytest.fail(f"the release step failed:\n{release.stdout}\n{release.stderr}")
    log = tmp_path_factory.mktemp("docker") / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            _buildah_run(container, *image_config["Cmd"]),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Server(port, process, log)
    try:
        deadline = time.monotonic() + BOOT_TIMEOUT_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}:\n{running.log_tail()}")
            try:
                if _get(port, "/healthz").status == HTTPStatus.OK:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"no answer on /healthz in time:\n{running.log_tail()}")
            time.sleep(0.5)
        yield running
    finally:
        _stop(process)


def test_release_step_passes_the_deploy_checks_and_migrates(
    release: subprocess.CompletedProcess[str], database: str
) -> None:
    assert release.returncode == 0, release.stdout + release.stderr
    assert "release: done" in release.stdout
    with psycopg.connect(f"{POSTGRES}/{database}") as connection:
        rows = connection.execute("SELECT DISTINCT app FROM django_migrations").fetchall()
    assert {"admin", "auth", "contenttypes", "sessions"} <= {app for (app,) in rows}


def test_release_step_refuses_a_configuration_that_fails_the_deploy_checks(
    container: str,
) -> None:
    with fresh_database("docker") as database:
        name = database.name
        result = subprocess.run(
            _buildah_run(
                container,
                "./heroku-release.sh",
                env={"USE_SSL": "false", "DATABASE_URL": f"{POSTGRES}/{name}"},
            ),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        with psycopg.connect(f"{POSTGRES}/{name}") as connection:
            tables = connection.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchone()
    assert result.returncode != 0
    assert "bastion.W001" in result.stdout + result.stderr
    assert tables == (0,), "the release step migrated although the deploy checks failed"


def test_health_and_readiness_probes_answer_200_over_plain_http(server: Server) -> None:
    assert _get(server.port, "/healthz").status == HTTPStatus.OK
    ready = _get(server.port, "/readyz")
    assert ready.status == HTTPStatus.OK
    assert json.loads(ready.body) == {"status": "ok", "database": "ok"}


def test_plain_http_pages_redirect_to_https(server: Server) -> None:
    response = _get(server.port, "/")
    assert response.status == HTTPStatus.MOVED_PERMANENTLY
    assert response.headers["Location"] == f"https://{HOST}/"


def test_home_page_carries_the_security_headers(server: Server) -> None:
    response = _get(server.port, "/", {"X-Forwarded-Proto": "https"})
    assert response.status == HTTPStatus.OK
    headers = response.headers
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"] == "max-age=3600"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]


def test_hashed_static_file_is_served_compressed_with_immutable_caching(
    server: Server, container: str
) -> None:
    manifest = json.loads(_run(_buildah_run(container, "cat", "/app/staticfiles/staticfiles.json")))
    hashed = manifest["paths"]["core/site.css"]
    assert re.fullmatch(r"core/site\.[0-9a-f]{12}\.css", hashed)

    def fetch(accept_encoding: str) -> Response:
        return _get(
            server.port,
            f"/static/{hashed}",
            {"X-Forwarded-Proto": "https", "Accept-Encoding": accept_encoding},
        )

    plain, gzipped, brotli = fetch("identity"), fetch("gzip"), fetch("br, gzip")

    for response in (plain, gzipped, brotli):
        assert response.status == HTTPStatus.OK
        assert "immutable" in response.headers["Cache-Control"]
        assert "max-age=315360000" in response.headers["Cache-Control"]
    assert b"{" in plain.body
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gzipped.body) == plain.body
    assert brotli.headers["Content-Encoding"] == "br"
    assert len(brotli.body) < len(plain.body)


def test_server_processes_run_as_the_images_non_root_user(
    server: Server, image_config: dict[str, Any]
) -> None:
    image_uid = int((image_config.get("User") or "0").split(":")[0])
    uids = {}
    for pid in _process_group(server.process.pid):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        # The gunicorn master and its workers; buildah's own processes run as root.
        if argv[0].endswith(b"python") and any(b"gunicorn" in arg for arg in argv):
            uid_line = next(line for line in status.splitlines() if line.startswith("Uid:"))
            uids[pid] = {int(uid) for uid in uid_line.split()[1:]}

    assert image_uid != 0
    assert len(uids) >= 2, "expected a gunicorn master and at least one worker"
    assert all(found == {image_uid} for found in uids.values()), uids


def test_image_healthcheck_passes_while_the_server_answers(
    server: Server, container: str, image_config: dict[str, Any]
) -> None:
    test = image_config["Healthcheck"]["Test"]
    command = test[1:] if test[0] == "CMD" else ["/bin/sh", "-c", test[1]]
    assert test[0] in {"CMD", "CMD-SHELL"}

    healthy = subprocess.run(
        _buildah_run(container, *command), capture_output=True, text=True, timeout=60, check=False
    )
    unreachable = subprocess.run(
        _buildah_run(container, *command, env={"PORT": str(_free_port())}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert healthy.returncode == 0, healthy.stderr
    assert unreachable.returncode != 0


def test_production_image_holds_neither_dev_tools_nor_uv(container: str) -> None:
    found = _run(
        _buildah_run(
            container,
            "python",
            "-c",
            "import importlib.util, shutil; "
            "print([m for m in ('pytest', 'mypy', 'ruff', 'playwright') "
            "if importlib.util.find_spec(m)] + [t for t in ('uv', 'gcc') if shutil.which(t)])",
        )
    )
    assert found.strip() == "[]"


def test_image_adds_little_to_its_base_image(image: str) -> None:
    base = re.search(r"^FROM\s+(\S+)\s+AS\s+base$", DOCKERFILE.read_text(), re.MULTILINE)
    assert base, "the Dockerfile has no `base` stage"
    base_image = base.group(1)
    sizes = {
        name: _size_mb(_run(["buildah", "images", "--format", "{{.Size}}", name]).splitlines()[0])
        for name in (image, base_image)
    }
    above_base = sizes[image] - sizes[base_image]
    assert above_base < SIZE_BUDGET_ABOVE_BASE_MB, f"{above_base:.0f} MB above {base_image}"
