"""Slow clients against the production stack, behind the image's buffering front.

Clients that trickle their headers or body a byte at a time each hold a gunicorn worker
(or one of its threads) until the request is whole (gunicorn 27 has no limit on how long
a request may take to arrive): 2 workers stall behind 2 of them, or 8 with 4 threads
each. docker/nginx/ ships the front that reads requests whole first; here it runs
(Debian's nginx) in front of gunicorn with gunicorn.conf.py, and a normal request must
still answer promptly while 32 slow clients are connected. Every process listens on
127.0.0.1 and is stopped by its PID.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from proof import harness
from proof.harness import Database, Server, fetch, unavailable
from proof.harness.fixtures import Serve

pytestmark = pytest.mark.deploy

TEMPLATE = harness.REPO / "docker" / "nginx" / "bastion.conf.template"
SLOW_CLIENTS = 32
# A byte every this many seconds: well inside any per-read timeout, so only a limit on
# the whole request's arrival time can end such a client.
DRIP_SECONDS = 1.0


@dataclass
class Front:
    port: int
    process: subprocess.Popen[bytes]


def main_config(directory: Path, server_block: str) -> str:
    """What the nginx image's own nginx.conf provides around a template, for a non-root run."""
    temp = directory / "temp"
    temp.mkdir()
    return f"""
daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{server_block}
}}
"""


StartFront = Callable[[int], "Front"]


@pytest.fixture
def front(tmp_path: Path) -> Iterator[StartFront]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        unavailable("nginx is not installed (Debian package nginx-light)")
    fronts: list[Front] = []

    def start(upstream_port: int) -> Front:
        port = harness.free_port()
        # As the nginx image's envsubst does: only these two, not nginx's own $host.
        block = (
            TEMPLATE.read_text()
            .replace("${BASTION_UPSTREAM}", f"127.0.0.1:{upstream_port}")
            .replace("${NGINX_PORT}", f"127.0.0.1:{port}")
        )
        config = tmp_path / "nginx.conf"
        config.write_text(main_config(tmp_path, block))
        process = subprocess.Popen([nginx, "-c", str(config), "-p", str(tmp_path)])
        started = Front(port, process)
        fronts.append(started)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return started
            time.sleep(0.05)
        raise RuntimeError("nginx did not start listening")

    try:
        yield start
    finally:
        for started in fronts:
            started.process.terminate()
            started.process.wait(10)


@contextlib.contextmanager
def slow_clients(port: int, count: int, *, body: bool = False) -> Iterator[None]:
    """`count` connections that send a request a byte per DRIP_SECONDS and never finish it."""
    stop = threading.Event()
    head = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n"
    if body:
        head = b"POST /csp-report/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
        head += b"application/json\r\nContent-Length: 4096\r\n\r\n"
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(head)
        sockets.append(sock)

    def drip() -> None:
        while not stop.wait(DRIP_SECONDS):
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.send(b"x")

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    try:
        # Long enough for every slow request to have reached a server thread.
        time.sleep(2)
        yield
    finally:
        stop.set()
        dripper.join()
        for sock in sockets:
            sock.close()


def answer_time(port: int) -> float:
    """Seconds until a normal request gets its answer (10 or more: it did not come)."""
    started = time.monotonic()
    try:
        response = fetch(port, "/healthz", timeout=10)
    except OSError:
        return 10.0
    assert response.status == 200
    return time.monotonic() - started


@pytest.fixture
def gunicorn(database: Database, serve: Serve) -> Server:
    return serve(database.url)


@pytest.mark.parametrize("body", [False, True], ids=["slow headers", "slow body"])
def test_a_normal_request_answers_promptly_while_slow_clients_are_connected(
    gunicorn: Server, front: StartFront, body: bool
) -> None:
    proxy = front(gunicorn.port)
    assert answer_time(proxy.port) < 1

    with slow_clients(proxy.port, SLOW_CLIENTS, body=body):
        times = [answer_time(proxy.port) for _ in range(5)]

    print(f"answer times with {SLOW_CLIENTS} slow clients open: {times}")
    assert max(times) < 1, times
