"""
A stand-in for Heroku's router in front of gunicorn: it terminates TLS and
passes each request on over plain HTTP with the headers the router adds.

Like the router it always overwrites X-Forwarded-Proto and X-Forwarded-Port
with what the client really used, so a client cannot claim HTTPS over plain
HTTP; that is the promise behind Django's SECURE_PROXY_SSL_HEADER.
https://devcenter.heroku.com/articles/http-routing#heroku-headers
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from socketserver import ThreadingMixIn
from typing import Any

# Headers that describe one connection, not the message (RFC 9110 section 7.6.1).
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# Set by the router alone: whatever the client sent under these names is dropped.
ROUTER_HEADERS = frozenset({"x-forwarded-proto", "x-forwarded-port", "x-request-start", "via"})
UPSTREAM_TIMEOUT_SECONDS = 25


class RouterServer(ThreadingMixIn, HTTPServer):
    """Serves a socket that is already listening (it may live in another network namespace)."""

    daemon_threads = True

    def __init__(
        self,
        listener: socket.socket,
        *,
        scheme: str,
        port: int,
        upstream: tuple[str, int],
        tls: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(listener.getsockname(), RouterHandler, bind_and_activate=False)
        self.socket.close()
        self.socket = listener
        self.scheme = scheme
        self.port = port
        self.upstream = upstream
        self.tls = tls

    def get_request(self) -> tuple[Any, Any]:
        connection, address = self.socket.accept()
        if self.tls is None:
            return connection, address
        # The handshake happens in the request's own thread, not in the accept loop.
        return self.tls.wrap_socket(
            connection, server_side=True, do_handshake_on_connect=False
        ), address

    def finish_request(self, request: Any, client_address: Any) -> None:
        if isinstance(request, ssl.SSLSocket):
            request.settimeout(RouterHandler.timeout)
            request.do_handshake()
        super().finish_request(request, client_address)


class RouterHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30
    server: RouterServer

    def forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        client = self.client_address[0]
        forwarded_for = self.headers.get("X-Forwarded-For")
        headers = [
            (name, value)
            for name, value in self.headers.items()
            if name.lower() not in HOP_BY_HOP | ROUTER_HEADERS | {"x-forwarded-for"}
        ]
        headers += [
            ("X-Forwarded-For", f"{forwarded_for}, {client}" if forwarded_for else client),
            ("X-Forwarded-Proto", self.server.scheme),
            ("X-Forwarded-Port", str(self.server.port)),
            ("X-Request-Start", str(int(time.time() * 1000))),
            ("Via", "1.1 vegur"),
        ]
        if not self.headers.get("X-Request-Id"):
            headers.append(("X-Request-Id", str(uuid.uuid4())))

        upstream = http.client.HTTPConnection(
            *self.server.upstream, timeout=UPSTREAM_TIMEOUT_SECONDS
        )
        try:
            upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                upstream.putheader(name, value)
            upstream.endheaders(body)
            response = upstream.getresponse()
            content = response.read()
        finally:
            upstream.close()

        # The body is passed on whole, so it is framed by Content-Length.
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP | {"content-length"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    # The methods the scanner sends; any other answers 501.
    do_GET = forward
    do_OPTIONS = forward


@contextmanager
def serving(servers: list[RouterServer]) -> Iterator[None]:
    """Serve in background threads; stop and close every socket on the way out."""
    threads = [threading.Thread(target=server.serve_forever, daemon=True) for server in servers]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
        for thread in threads:
            thread.join(timeout=10)
