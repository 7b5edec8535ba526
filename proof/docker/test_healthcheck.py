"""docker/healthcheck.py, run as Docker runs it, against a real server on loopback."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from proof.harness import free_port as _closed_port

SCRIPT = Path(__file__).resolve().parents[2] / "docker" / "healthcheck.py"


@dataclass
class Probed:
    """What the stand-in web server answers, and the requests it saw."""

    port: int
    status: int = HTTPStatus.OK
    location: str = ""
    requests: list[tuple[str, str | None]] = field(default_factory=list)


@pytest.fixture
def server() -> Iterator[Probed]:
    probed = Probed(port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            probed.requests.append((self.path, self.headers["Host"]))
            self.send_response(probed.status)
            if probed.location:
                self.send_header("Location", probed.location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    probed.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield probed
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _healthcheck(port: int, allowed_hosts: str = "", **extra: str) -> int:
    env = {"PORT": str(port), "ALLOWED_HOSTS": allowed_hosts, **extra}
    return subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, capture_output=True, timeout=30, check=False
    ).returncode


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        ("bastion.example.test,localhost", "bastion.example.test"),
        (' ["api.example.test", "www.example.test"] ', "api.example.test"),
        (".example.test", "example.test"),
        (" , shop.example.test", "shop.example.test"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_healthcheck_asks_healthz_as_the_first_allowed_host(
    server: Probed, allowed_hosts: str, host: str
) -> None:
    assert _healthcheck(server.port, allowed_hosts) == 0
    assert server.requests == [("/healthz", host)]


def test_healthcheck_fails_when_the_app_refuses_the_request(server: Probed) -> None:
    server.status = HTTPStatus.BAD_REQUEST

    assert _healthcheck(server.port, "bastion.example.test") == 1


def test_healthcheck_fails_on_a_redirect_without_following_it(server: Probed) -> None:
    server.status = HTTPStatus.MOVED_PERMANENTLY
    server.location = f"http://127.0.0.1:{server.port}/elsewhere"

    assert _healthcheck(server.port, "bastion.example.test") == 1
    assert server.requests == [("/healthz", "bastion.example.test")]


def test_healthcheck_fails_when_nothing_listens() -> None:
    assert _healthcheck(_closed_port(), "bastion.example.test") == 1


def test_healthcheck_ignores_a_proxy_meant_for_outgoing_traffic(server: Probed) -> None:
    proxy = f"http://127.0.0.1:{_closed_port()}"

    assert _healthcheck(server.port, "", http_proxy=proxy, HTTP_PROXY=proxy) == 0
    assert server.requests == [("/healthz", "localhost")]
