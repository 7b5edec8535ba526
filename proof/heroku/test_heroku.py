"""
Deploy to Heroku, emulated end to end from a clean copy of the committed tree.

The steps run in Heroku's order: build (install from the lock as the Python
buildpack does, then collectstatic with the config vars and no database),
release (the Procfile's release command against a fresh PostgreSQL
database), web (the Procfile's web command under honcho on $PORT), and
SIGTERM when the dyno stops. Each step's duration is printed.
"""

from __future__ import annotations

import gzip
import json
import re
import runpy
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest

from proof import harness
from proof.harness import free_port, port_is_open, requests_served_at_once
from proof.heroku import heroku
from proof.heroku.heroku import APP_HOST, Postgres, TlsRefusingPostgres, WebDyno

pytestmark = pytest.mark.deploy

# As many slow requests as the dyno (2 workers, heroku.py) surely serves at once, so
# every one of them is handed to the app however gunicorn spreads connections.
IN_FLIGHT_REQUESTS = requests_served_at_once(workers=2)
ONE_YEAR = 365 * 24 * 3600


class Timings:
    """Each step's duration, printed as it is measured and again at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.steps: dict[str, float] = {}

    def record(self, step: str, seconds: float) -> None:
        self.steps[step] = seconds
        self.show(f"heroku emulation: {step} took {seconds:.2f} s")

    def show(self, line: str) -> None:
        capture = self.config.pluginmanager.getplugin("capturemanager")
        if capture is None:
            print(line)
            return
        with capture.global_and_fixture_disabled():
            print(f"\n{line}")


@pytest.fixture(scope="module")
def timings(pytestconfig: pytest.Config) -> Iterator[Timings]:
    measured = Timings(pytestconfig)
    yield measured
    if measured.steps:
        summary = ", ".join(f"{step} {seconds:.2f} s" for step, seconds in measured.steps.items())
        measured.show(f"heroku emulation timings: {summary}")


@pytest.fixture(scope="module")
def slug(tmp_path_factory: pytest.TempPathFactory, timings: Timings) -> Path:
    """The committed tree with its locked runtime dependencies installed."""
    heroku.require(shutil.which("git") is not None, "git")
    heroku.require(heroku.project_uv().exists(), f"uv at {heroku.project_uv()} (make install)")
    assert heroku.uv_version() == heroku.pinned_uv_version(), "the build uses the pinned uv"
    path = heroku.checkout(tmp_path_factory.mktemp("heroku") / "app")
    started = time.monotonic()
    installed = heroku.install(path)
    timings.record("install", time.monotonic() - started)
    assert installed.returncode == 0, installed.stderr
    return path


@pytest.fixture(scope="module")
def postgres() -> Postgres:
    server = Postgres()
    heroku.require(server.reachable(), f"PostgreSQL at {server.admin_url}")
    return server


@dataclass
class Build:
    slug: Path
    collectstatic: subprocess.CompletedProcess[str]
    database_connections: int


@pytest.fixture(scope="module")
def build(slug: Path, timings: Timings) -> Build:
    """collectstatic as the buildpack runs it: every config var exported, the database unreachable.

    DATABASE_URL points at a listener that records connections, so the build
    is seen to need no database at all.
    """
    with TlsRefusingPostgres() as database:
        config = {**heroku.config_vars(heroku.app_json()["env"]), "DATABASE_URL": database.url}
        started = time.monotonic()
        result = heroku.collectstatic(slug, config)
        timings.record("collectstatic", time.monotonic() - started)
    return Build(slug, result, database.connections)


def runtime_config(database_url: str) -> dict[str, str]:
    """The app's config vars at run time: app.json's, the add-on's DATABASE_URL.

    The local PostgreSQL server offers no TLS, so TLS is not demanded here;
    test_database_ssl_require_refuses_a_server_without_tls shows app.json's
    DATABASE_SSL_REQUIRE=true is enforced.
    """
    return {
        **heroku.config_vars(heroku.app_json()["env"]),
        "DATABASE_URL": database_url,
        "DATABASE_SSL_REQUIRE": "false",
    }


@pytest.fixture(scope="module")
def database(postgres: Postgres) -> Iterator[str]:
    with postgres.fresh_database() as url:
        yield url


@pytest.fixture(scope="module")
def config(database: str) -> dict[str, str]:
    return runtime_config(database)


@pytest.fixture(scope="module")
def released(
    build: Build, config: dict[str, str], timings: Timings
) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    result = heroku.release(build.slug, config)
    timings.record("release", time.monotonic() - started)
    return result


@pytest.fixture(scope="module")
def dyno(
    build: Build,
    released: subprocess.CompletedProcess[str],
    config: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
    timings: Timings,
) -> Iterator[WebDyno]:
    assert released.returncode == 0, released.stdout
    web = WebDyno(
        build.slug,
        config,
        port=free_port(),
        log=tmp_path_factory.mktemp("dyno") / "web.log",
    )
    try:
        timings.record("boot to first response", web.wait_until_serving())
        yield web
    finally:
        timings.record("shutdown, nothing in flight", web.stop())


def csp_directives(policy: str) -> dict[str, list[str]]:
    directives = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def cookies(response: harness.Response) -> SimpleCookie:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers_named("Set-Cookie"):
        jar.load(header)
    return jar


def test_the_build_installs_the_locked_runtime_dependencies_only(slug: Path) -> None:
    probe = heroku.slug_python(
        slug,
        "import importlib.util, json, sys, django; print(json.dumps({"
        "'found': {name: importlib.util.find_spec(name) is not None for name in "
        "['django', 'gunicorn', 'psycopg', 'whitenoise', 'pytest', 'honcho', 'mypy']},"
        "'bytecode': any((__import__('pathlib').Path(django.__file__).parent / '__pycache__')"
        ".glob('*.pyc'))}))",
    )
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout)
    assert result["found"] == {
        "django": True,
        "gunicorn": True,
        "psycopg": True,
        "whitenoise": True,
        "pytest": False,
        "honcho": False,
        "mypy": False,
    }
    assert result["bytecode"], "the build compiles bytecode, so dynos boot without writing it"


def test_collectstatic_needs_no_secret_key_and_no_database_url(slug: Path, tmp_path: Path) -> None:
    source = heroku.checkout(tmp_path / "source")
    app_env = heroku.app_json()["env"]
    without_secrets = {
        name: spec["value"] for name, spec in app_env.items() if "generator" not in spec
    }
    result = heroku.collectstatic(slug, without_secrets, app=source)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (source / "staticfiles" / "staticfiles.json").is_file()


def test_collectstatic_at_build_time_never_touches_the_database(build: Build) -> None:
    assert build.collectstatic.returncode == 0, build.collectstatic.stderr
    assert build.database_connections == 0


def test_every_hashed_static_file_is_precompressed_with_brotli_and_gzip(build: Build) -> None:
    static = build.slug / "staticfiles"
    hashed = json.loads((static / "staticfiles.json").read_text())["paths"].values()
    # WhiteNoise keeps no compressed copy that would save next to nothing.
    text_files = [
        name
        for name in hashed
        if name.endswith((".css", ".js", ".svg")) and (static / name).stat().st_size >= 1024
    ]
    assert text_files
    missing = [
        f"{name}{suffix}"
        for name in text_files
        for suffix in (".br", ".gz")
        if not (static / f"{name}{suffix}").is_file()
    ]
    assert missing == []


def test_the_release_passes_the_deploy_checks_and_migrates(
    released: subprocess.CompletedProcess[str], database: str
) -> None:
    assert released.returncode == 0, released.stdout
    assert "release: done" in released.stdout
    assert {"django_migrations", "django_session", "accounts_user"} <= Postgres.tables(database)


def test_the_dyno_binds_port_before_heroku_gives_up_on_it(dyno: WebDyno) -> None:
    assert f"Listening at: http://127.0.0.1:{dyno.port}" in dyno.log
    assert dyno.boot_seconds is not None
    assert dyno.boot_seconds < heroku.BOOT_TIMEOUT_SECONDS


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_a_page_over_https_carries_the_full_set_of_security_headers(
    dyno: WebDyno, path: str
) -> None:
    response = heroku.request(dyno.port, "GET", path)

    assert response.status == HTTPStatus.OK
    policy = csp_directives(response.header("Content-Security-Policy") or "")
    # Every page's policy names one nonce, and every script on the page carries it.
    nonces = {
        f"'nonce-{nonce}'"
        for nonce in re.findall(r'<script [^>]*nonce="([^"]+)"', response.body.decode())
    }
    named = [source for source in policy["script-src"] if source.startswith("'nonce-")]
    assert len(named) == 1
    assert nonces <= set(named)
    assert policy["script-src"] == [*named, "'strict-dynamic'"]
    assert policy["require-trusted-types-for"] == ["'script'"]
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response.header("Strict-Transport-Security") == "max-age=3600"
    assert response.header("X-Content-Type-Options") == "nosniff"
    assert response.header("X-Frame-Options") == "DENY"
    assert response.header("Referrer-Policy") == "same-origin"
    assert response.header("Cross-Origin-Opener-Policy") == "same-origin"
    assert response.header("Cross-Origin-Resource-Policy") == "same-origin"
    permissions = response.header("Permissions-Policy") or ""
    assert {"camera=()", "geolocation=()", "microphone=()"} <= {
        feature.strip() for feature in permissions.split(",")
    }


def test_cookies_are_secure_host_prefixed_and_bound_to_this_host(dyno: WebDyno) -> None:
    jar = cookies(heroku.request(dyno.port, "GET", "/accounts/login/"))

    assert jar, "the admin's login form sets the CSRF cookie"
    for name, morsel in jar.items():
        assert name.startswith("__Host-")
        assert morsel["secure"]
        assert morsel["path"] == "/"
        assert not morsel["domain"]


def test_plain_http_is_redirected_permanently_to_https(dyno: WebDyno) -> None:
    response = heroku.request(dyno.port, "GET", "/admin/login/?next=/admin/", proto="http")

    assert response.status == HTTPStatus.MOVED_PERMANENTLY
    assert response.header("Location") == f"https://{APP_HOST}/admin/login/?next=/admin/"


def test_a_request_for_another_host_is_refused(dyno: WebDyno) -> None:
    response = heroku.request(dyno.port, "GET", "/", host="bastion.evil.example")

    assert response.status == HTTPStatus.BAD_REQUEST


def test_an_admin_made_in_a_one_off_dyno_signs_in_and_the_session_is_in_the_database(
    dyno: WebDyno, build: Build, config: dict[str, str], database: str
) -> None:
    # As `heroku run python manage.py createsuperuser` does, in the released database.
    password = secrets.token_urlsafe(16)
    created = subprocess.run(
        [str(build.slug / ".venv" / "bin" / "python"), "manage.py", "createsuperuser", "--noinput"],
        cwd=build.slug,
        env={
            **heroku.dyno_environment(build.slug, config),
            "DJANGO_SUPERUSER_USERNAME": "owner",
            "DJANGO_SUPERUSER_EMAIL": "owner@example.com",
            "DJANGO_SUPERUSER_PASSWORD": password,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    form = heroku.request(dyno.port, "GET", "/accounts/login/")
    jar = cookies(form)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    assert token, form.text
    csrf_cookie = f"__Host-csrftoken={jar['__Host-csrftoken'].value}"

    login = heroku.request(
        dyno.port,
        "POST",
        "/accounts/login/?next=/accounts/email/",
        headers={
            "Cookie": csrf_cookie,
            "Origin": f"https://{APP_HOST}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body=urlencode(
            {
                "login": "owner@example.com",
                "password": password,
                "csrfmiddlewaretoken": token.group(1),
            }
        ).encode(),
    )
    assert login.status == HTTPStatus.FOUND, login.text
    session = cookies(login)["__Host-sessionid"].value
    account = heroku.request(
        dyno.port,
        "GET",
        "/accounts/email/",
        headers={"Cookie": f"{csrf_cookie}; __Host-sessionid={session}"},
    )

    # Signed in; the admin itself then asks for a second factor (ADMIN_2FA in app.json).
    assert account.status == HTTPStatus.OK
    assert "owner@example.com" in account.text
    with psycopg.connect(database) as connection:
        stored = connection.execute(
            "SELECT count(*) FROM django_session WHERE session_key = %s", [session]
        ).fetchone()
    assert stored == (1,)


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_hashed_static_file_is_served_compressed_and_cached_forever(
    dyno: WebDyno, build: Build, encoding: str
) -> None:
    static = build.slug / "staticfiles"
    name = json.loads((static / "staticfiles.json").read_text())["paths"]["core/site.css"]
    original = (static / name).read_bytes()

    response = heroku.request(
        dyno.port, "GET", f"/static/{name}", headers={"Accept-Encoding": encoding}
    )

    assert response.status == HTTPStatus.OK
    assert response.header("Content-Encoding") == encoding
    assert "Accept-Encoding" in (response.header("Vary") or "")
    if encoding == "gzip":
        assert gzip.decompress(response.body) == original
    else:
        assert response.body == (static / f"{name}.br").read_bytes()
        assert len(response.body) < len(original)
    cache = [directive.strip() for directive in (response.header("Cache-Control") or "").split(",")]
    assert "immutable" in cache
    assert "public" in cache
    max_age = next(int(item.split("=")[1]) for item in cache if item.startswith("max-age="))
    assert max_age >= ONE_YEAR


def test_the_access_log_carries_the_request_id_and_the_client_address(dyno: WebDyno) -> None:
    request_id = "0f8e3c2a-5b7d-4e1f-9a6c-2d4b8e0f1a3c"
    heroku.request(
        dyno.port,
        "GET",
        "/healthz",
        headers={"X-Request-Id": request_id, "X-Forwarded-For": "203.0.113.7"},
    )

    deadline = time.monotonic() + 5
    while f"request_id={request_id}" not in dyno.log and time.monotonic() < deadline:
        time.sleep(0.05)
    lines = [line for line in dyno.log.splitlines() if f"request_id={request_id}" in line]
    assert len(lines) == 1, dyno.log
    assert 'client="203.0.113.7"' in lines[0]
    assert 'path="/healthz" status=200' in lines[0]


def _csp_report(index: int) -> bytes:
    report = {
        "csp-report": {
            "document-uri": f"https://{APP_HOST}/",
            "violated-directive": "script-src-elem",
            "effective-directive": "script-src-elem",
            "blocked-uri": f"https://in-flight-{index}.example/script.js",
            "disposition": "enforce",
        }
    }
    return json.dumps(report).encode()


def _start_slow_request(port: int, body: bytes) -> socket.socket:
    """A POST whose body is held back until gunicorn has handed the request to the app.

    With Expect: 100-continue gunicorn answers "100 Continue" as it passes the
    request to the app, so once it arrives the request is in flight.
    """
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    connection.sendall(
        (
            "POST /csp-report/ HTTP/1.1\r\n"
            f"Host: {APP_HOST}\r\n"
            "X-Forwarded-Proto: https\r\n"
            "Content-Type: application/csp-report\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Expect: 100-continue\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
    )
    interim = b""
    while not interim.endswith(b"\r\n\r\n"):
        chunk = connection.recv(1)
        assert chunk, "the server closed the connection before the request went in flight"
        interim += chunk
    assert interim.startswith(b"HTTP/1.1 100 Continue"), interim
    return connection


def _finish_slow_request(connection: socket.socket, body: bytes) -> int:
    with connection:
        half = len(body) // 2
        connection.sendall(body[:half])
        time.sleep(0.2)
        connection.sendall(body[half:])
        response = b""
        while chunk := connection.recv(4096):
            response += chunk
    return int(response.split(b" ", 2)[1])


def test_sigterm_stops_the_dyno_cleanly_after_finishing_in_flight_requests(
    build: Build,
    released: subprocess.CompletedProcess[str],
    config: dict[str, str],
    tmp_path: Path,
    timings: Timings,
) -> None:
    assert released.returncode == 0, released.stdout
    web = WebDyno(build.slug, config, port=free_port(), log=tmp_path / "web.log")
    try:
        web.wait_until_serving()
        bodies = [_csp_report(index) for index in range(IN_FLIGHT_REQUESTS)]
        in_flight = [_start_slow_request(web.port, body) for body in bodies]

        sent = web.sigterm()
        # The bodies arrive after SIGTERM: the requests are still being read.
        time.sleep(1)
        statuses = [_finish_slow_request(c, b) for c, b in zip(in_flight, bodies, strict=True)]
        exit_status = web.wait(heroku.SIGKILL_AFTER_SECONDS)
        stopped_after = time.monotonic() - sent
    finally:
        web.kill()
    timings.record(f"shutdown, {IN_FLIGHT_REQUESTS} requests in flight", stopped_after)

    assert statuses == [HTTPStatus.NO_CONTENT] * IN_FLIGHT_REQUESTS
    for index in range(IN_FLIGHT_REQUESTS):
        assert f"in-flight-{index}.example" in web.log
    assert exit_status == 0, web.log
    assert "Shutting down: Master" in web.log
    graceful_timeout = runpy.run_path(str(build.slug / "gunicorn.conf.py"))["graceful_timeout"]
    assert stopped_after < graceful_timeout, "it stopped because the work was done"
    assert web.app_processes() == []


@pytest.mark.parametrize(
    ("mistake", "reason"),
    [({"DEBUG": "true"}, "security.W018"), ({"USE_SSL": "false"}, "bastion.W001")],
    ids=["debug-on", "use-ssl-off"],
)
def test_a_failing_release_stops_the_deploy_before_web_starts(
    slug: Path,
    postgres: Postgres,
    tmp_path: Path,
    mistake: dict[str, str],
    reason: str,
) -> None:
    port = free_port()
    with postgres.fresh_database() as url:
        outcome = heroku.deploy(
            slug, {**runtime_config(url), **mistake}, port=port, log=tmp_path / "web.log"
        )
        if outcome.web is not None:
            outcome.web.kill()
        tables = Postgres.tables(url)

    assert outcome.release.returncode != 0
    assert reason in outcome.release.stdout
    assert "nothing was migrated" in outcome.release.stdout
    assert tables == set()
    assert outcome.web is None
    assert not (tmp_path / "web.log").exists()
    assert not port_is_open(port)


@pytest.mark.parametrize(("ssl_require", "cleartext"), [("true", False), ("false", True)])
def test_database_ssl_require_refuses_a_server_without_tls(
    slug: Path, ssl_require: str, cleartext: bool
) -> None:
    with TlsRefusingPostgres() as server:
        config = {
            **runtime_config(server.url),
            "DATABASE_SSL_REQUIRE": ssl_require,
        }
        result = heroku.release(slug, config)

    assert result.returncode != 0, "the server speaks no more than the TLS handshake"
    assert "tls-request" in server.messages
    assert ("cleartext-startup" in server.messages) is cleartext
