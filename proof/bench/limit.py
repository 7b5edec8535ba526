"""The server's limit: a bare WSGI callable that answers with /healthz's bytes and nothing else."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

BODY = b"ok"
HEADERS = [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))]


def application(
    environ: dict[str, Any], start_response: Callable[[str, list[tuple[str, str]]], Any]
) -> Iterable[bytes]:
    start_response("200 OK", HEADERS)
    return [BODY]
