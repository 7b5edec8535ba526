"""
The container's HEALTHCHECK: is the web server answering /healthz?

Run by Docker inside the container, so it needs nothing but the standard
library (slim images have no curl) and never imports Django: a probe every
few seconds must stay cheap.

Django answers 400 to a Host it does not find in ALLOWED_HOSTS, and a
production ALLOWED_HOSTS rarely lists localhost. So the probe presents the
first host the app itself accepts, read from ALLOWED_HOSTS the way
config/env.py reads it, rather than asking every deployment to add localhost.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from http import HTTPStatus

# Well inside Docker's default 30 s HEALTHCHECK timeout.
TIMEOUT_SECONDS = 5


def probe_host(allowed_hosts: str) -> str:
    """The Host header to send: the first entry of ALLOWED_HOSTS that names a host."""
    text = allowed_hosts.strip()
    try:
        entries = json.loads(text) if text.startswith("[") else text.split(",")
    except json.JSONDecodeError:  # [::1] is an IPv6 host, not JSON
        entries = text.split(",")
    for entry in entries:
        # ".example.com" also matches example.com itself; "*" matches anything.
        host = str(entry).strip().lstrip(".")
        if host == "*":
            return "localhost"
        if host:
            return host
    # DEBUG with an empty ALLOWED_HOSTS accepts localhost.
    return "localhost"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect means the probe is not answered; never follow it off loopback."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def main() -> int:
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={"Host": probe_host(os.environ.get("ALLOWED_HOSTS", ""))},
    )
    # No proxy: an HTTP_PROXY meant for outgoing traffic must not catch the probe.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirects)
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            status = response.status
    except OSError as exc:  # URLError and HTTPError (a 4xx or 5xx) included
        print(f"healthcheck: /healthz did not answer: {exc}", file=sys.stderr)
        return 1
    return 0 if status == HTTPStatus.OK else 1


if __name__ == "__main__":
    sys.exit(main())
