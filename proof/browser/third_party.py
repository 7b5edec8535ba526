"""A stand-in for a third party's widget (a payment form, say) on a second loopback origin.

Over HTTPS with the proof's certificate: what a real widget serves is a script
that adds a frame from its origin and calls its API from the page.
"""

from __future__ import annotations

import base64
import hashlib
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WIDGET_JS = b"""(() => {
  "use strict";
  const origin = new URL(document.currentScript.src).origin;
  const frame = document.createElement("iframe");
  frame.id = "widget-frame";
  frame.title = "Card details";
  frame.allow = "payment";
  frame.src = origin + "/frame";
  document.getElementById("widget").append(frame);
  fetch(origin + "/api/session", { mode: "cors" })
    .then((response) => response.json())
    .then((data) => { document.getElementById("widget-status").textContent = data.status; })
    .catch((error) => { document.getElementById("widget-status").textContent = "blocked"; });
})();
"""
FRAME = b"""<!doctype html><html lang="en"><meta charset="utf-8"><title>Card</title>
<p id="card">card field</p></html>"""
FILES = {
    "/widget.js": ("text/javascript", WIDGET_JS),
    "/frame": ("text/html; charset=utf-8", FRAME),
    "/api/session": ("application/json", json.dumps({"status": "ready"}).encode()),
}
INTEGRITY = "sha384-" + base64.b64encode(hashlib.sha384(WIDGET_JS).digest()).decode()


class _Widget(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        content_type, body = FILES.get(self.path, ("text/plain", b""))
        self.send_response(HTTPStatus.OK if self.path in FILES else HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        # The script is fetched with CORS (SRI needs it), and so is the API.
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests assert on what the browser saw."""


@contextmanager
def widget_server(tls: ssl.SSLContext) -> Iterator[str]:
    """Serve the widget on a free loopback port over HTTPS; yields its origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Widget)
    server.socket = tls.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
