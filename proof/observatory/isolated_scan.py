"""
Run the MDN HTTP Observatory scanner in a network namespace of its own.

test_scan.py starts this script under `unshare --net --mount --map-root-user`.
In that namespace the only network is a fresh loopback, so:

- the site can be served on the ports the scanner always uses (80 and 443)
  without colliding with anything on the machine, and with no privileges;
- the scan host name resolves to 127.0.0.1 through a hosts file mounted over
  /etc/hosts in this mount namespace only; the machine's file is untouched;
- nothing the scanner does can reach any other address.

The script opens the two listening sockets here and hands them over the
control socket to the test process, whose router serves them and forwards to
gunicorn on the machine's own loopback. Then it runs the scanner's CLI once
per page and prints {page: report} as JSON on stdout.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

SCAN_TIMEOUT_SECONDS = 90


def isolate(hostname: str) -> None:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    hosts = Path(tempfile.mkdtemp()) / "hosts"
    hosts.write_text(f"127.0.0.1 localhost\n127.0.0.1 {hostname}\n")
    subprocess.run(["mount", "--bind", str(hosts), "/etc/hosts"], check=True)


def hand_over_listeners(control: socket.socket) -> None:
    """Listen on 443 and 80 here; the test process accepts the connections."""
    listeners = [socket.create_server(("127.0.0.1", port), backlog=64) for port in (443, 80)]
    socket.send_fds(control, [b"listening"], [listener.fileno() for listener in listeners])
    # The test process holds its own copies now; the backlog keeps early
    # connections until its router starts accepting.
    for listener in listeners:
        listener.close()
    control.close()


def scan(plan: dict[str, str], page: str) -> object:
    # The CLI takes a host name only. scan() builds its URLs by joining
    # "https://", the host name and an empty path (src/retriever/url.js), so a
    # host name followed by a path scans that page instead of the home page.
    target = plan["hostname"] if page == "/" else plan["hostname"] + page
    result = subprocess.run(
        [plan["node"], plan["scanner_cli"], target],
        env={"PATH": plan["path"], "NODE_EXTRA_CA_CERTS": plan["ca_certificate"]},
        capture_output=True,
        text=True,
        timeout=SCAN_TIMEOUT_SECONDS,
        check=False,
    )
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        raise SystemExit(f"scanner exited {result.returncode} on {target}: {result.stdout}")
    return json.loads(result.stdout)


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    plan = json.loads(Path(sys.argv[2]).read_text())
    isolate(plan["hostname"])
    hand_over_listeners(control)
    reports = {page: scan(plan, page) for page in plan["pages"]}
    print(json.dumps(reports))


if __name__ == "__main__":
    main()
