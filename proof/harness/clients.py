"""HTTP clients: one request as the router forwards it, raw bytes no library tidies, a
browser that keeps cookies across servers, and parallel load."""

from __future__ import annotations

import contextlib
import http.client
import http.cookies
import json
import re
import socket
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from proof.harness.project import HTTPS_HEADERS, ORIGIN


@dataclass(frozen=True)
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def headers_named(self, name: str) -> list[str]:
        return self.headers.get_all(name) or []

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def fetch(
    port: int,
    path: str,
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 10.0,
) -> Response:
    """One request over a new connection, as the router forwards an HTTPS request."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers={**HTTPS_HEADERS, **(headers or {})})
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


def send_raw(port: int, data: bytes, timeout: float = 10.0) -> tuple[int, bytes]:
    """Send bytes exactly as written (no client library to tidy them); return status and reply."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        # A server may answer and close before reading a long body: then read what it said.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        chunks = []
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                chunks.append(chunk)
    reply = b"".join(chunks)
    match = re.match(rb"HTTP/1\.[01] (\d{3}) ", reply)
    if match is None:
        raise AssertionError(f"no HTTP status line in the reply: {reply[:200]!r}")
    return int(match.group(1)), reply


def raw_request(
    method: bytes, target: bytes, headers: Mapping[bytes, bytes] | None = None, body: bytes = b""
) -> bytes:
    """An HTTP/1.1 request as bytes, with the proxy headers and Connection: close."""
    lines = [method + b" " + target + b" HTTP/1.1"]
    all_headers = {
        **{name.encode(): value.encode() for name, value in HTTPS_HEADERS.items()},
        b"Connection": b"close",
        **(headers or {}),
    }
    if body:
        all_headers.setdefault(b"Content-Length", str(len(body)).encode())
    lines += [name + b": " + value for name, value in all_headers.items()]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class Browser:
    """Keeps cookies across requests and servers, as one browser in front of several dynos."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self,
        port: int,
        method: str,
        path: str,
        *,
        form: Mapping[str, str] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        sent = dict(headers or {})
        body = None
        if form is not None:
            body = urlencode(form).encode()
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            sent.setdefault("Content-Type", "application/json")
        if method not in {"GET", "HEAD", "OPTIONS"}:
            # What a browser sends with a form post, and what Django's CSRF check reads.
            sent.setdefault("Origin", ORIGIN)
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = fetch(port, path, method=method, headers=sent, body=body)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, port: int, path: str) -> Response:
        return self.request(port, "GET", path)

    def post(self, port: int, path: str, **kwargs: Any) -> Response:
        return self.request(port, "POST", path, **kwargs)


def csrf_token(page: Response) -> str:
    """The token a form carries in its hidden csrfmiddlewaretoken field."""
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if match is None:
        raise AssertionError(f"no CSRF token in the page (status {page.status})")
    return match.group(1)


@dataclass(frozen=True)
class Outcome:
    path: str
    # None when the connection failed before a response arrived.
    status: int | None
    error: str | None
    finished: float


def send_in_parallel(
    port: int,
    paths: Iterable[str],
    connections: int,
    outcomes: list[Outcome] | None = None,
    timeout: float = 15.0,
) -> list[Outcome]:
    """Request every path once over `connections` keep-alive connections, in parallel threads.

    A failed connection is replaced and the next path goes on; nothing is retried, so each
    failure shows in the outcomes, which are appended to `outcomes` as they arrive.
    """
    pending = iter(paths)
    lock = threading.Lock()
    outcomes = [] if outcomes is None else outcomes

    def next_path() -> str | None:
        with lock:
            return next(pending, None)

    def work() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        while (path := next_path()) is not None:
            try:
                connection.request("GET", path, headers=HTTPS_HEADERS)
                response = connection.getresponse()
                response.read()
                outcome = Outcome(path, response.status, None, time.monotonic())
            except (OSError, http.client.HTTPException) as exc:
                outcome = Outcome(path, None, repr(exc), time.monotonic())
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            with lock:
                outcomes.append(outcome)
        connection.close()

    threads = [threading.Thread(target=work) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
