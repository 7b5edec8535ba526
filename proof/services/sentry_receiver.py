"""A local Sentry ingest endpoint for tests: it accepts envelopes and keeps what arrived."""

from __future__ import annotations

import gzip
import json
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PUBLIC_KEY = "0123456789abcdef0123456789abcdef"
PROJECT_ID = 42


@dataclass
class Envelope:
    """One POST to /api/<project>/envelope/: its path, raw bytes (decoded) and items."""

    path: str
    auth: str
    raw: bytes
    items: list[tuple[dict[str, Any], Any]]

    @property
    def events(self) -> list[dict[str, Any]]:
        return [payload for header, payload in self.items if header.get("type") == "event"]


@dataclass
class Ingest:
    envelopes: list[Envelope] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def events(self) -> list[dict[str, Any]]:
        return [event for envelope in self.envelopes for event in envelope.events]

    def wait_for_events(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.events()) >= count, timeout)
        return self.events()


def parse_envelope(raw: bytes) -> list[tuple[dict[str, Any], Any]]:
    """Sentry's envelope format: a header line, then an item header line and its payload.

    sentry-sdk writes JSON payloads on one line; this receiver needs no attachments.
    """
    lines = [line for line in raw.split(b"\n") if line.strip()]
    items = []
    for header_line, payload_line in zip(lines[1::2], lines[2::2], strict=False):
        try:
            payload: Any = json.loads(payload_line)
        except ValueError:
            payload = payload_line
        items.append((json.loads(header_line), payload))
    return items


def _decode(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    if encoding == "br":
        import brotli  # type: ignore[import-untyped]  # whitenoise[brotli] brings it

        return bytes(brotli.decompress(body))
    return body


@contextmanager
def sentry_ingest() -> Iterator[tuple[str, Ingest]]:
    """Serve an ingest endpoint on 127.0.0.1; yield its DSN and what it received."""
    ingest = Ingest()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            raw = _decode(body, self.headers.get("Content-Encoding", ""))
            envelope = Envelope(
                path=self.path,
                auth=self.headers.get("X-Sentry-Auth", ""),
                raw=raw,
                items=parse_envelope(raw),
            )
            with ingest.arrived:
                ingest.envelopes.append(envelope)
                ingest.arrived.notify_all()
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test reads what arrived, not the access log."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # A short poll: shutdown() waits up to one interval for the loop to notice.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://{PUBLIC_KEY}@127.0.0.1:{server.server_port}/{PROJECT_ID}", ingest
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
