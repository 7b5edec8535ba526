"""Proxies in front of a real server: one to cut or stall (a database that misbehaves), one
that adds TLS with a self-signed certificate (a managed Redis). One pump moves the bytes."""

from __future__ import annotations

import contextlib
import functools
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

from proof.harness.ports import free_port
from proof.harness.project import unavailable


def pump(
    source: socket.socket,
    destination: socket.socket,
    *,
    before_each: Callable[[], None] | None = None,
    close: bool = False,
) -> None:
    """Copy bytes from source to destination until either side ends, then end both.

    `before_each` runs before each chunk is passed on (to hold it back, say); with `close`
    both sockets are closed at the end, else only shut down, for their owner to close.
    """
    try:
        while data := source.recv(65536):
            if before_each is not None:
                before_each()
            destination.sendall(data)
    except OSError:
        pass
    finally:
        for sock in (source, destination):
            with contextlib.suppress(OSError):
                if close:
                    sock.close()
                else:
                    sock.shutdown(socket.SHUT_RDWR)


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; it can be stopped, restarted and paused."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.port = free_port()
        self._target = target
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()
        self._sent_while_paused: set[int] = set()

    def start(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # The same port again after stop(), while old connections sit in TIME_WAIT.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        """Refuse new connections and cut every open one, as a failing database server does."""
        if self._listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone does not.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._flowing.set()

    def pause(self) -> None:
        """Hold every answer from the target until resume(): queries stall in flight."""
        with self._lock:
            self._sent_while_paused.clear()
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    def connections_waiting(self) -> int:
        """How many connections sent something since pause(), and so wait for an answer."""
        with self._lock:
            return len(self._sent_while_paused)

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # stopped
                return
            try:
                upstream = socket.create_connection(self._target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
            for source, destination, answers in (
                (client, upstream, False),
                (upstream, client, True),
            ):
                threading.Thread(
                    target=pump,
                    args=(source, destination),
                    kwargs={"before_each": functools.partial(self._hold, source, answers)},
                    daemon=True,
                ).start()

    def _hold(self, source: socket.socket, answers: bool) -> None:
        """While paused, hold answers back and note which connections asked something."""
        if answers:
            self._flowing.wait()
        elif not self._flowing.is_set():
            with self._lock:
                self._sent_while_paused.add(id(source))


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate no client trusts: signed by its own key, for 127.0.0.1."""
    openssl = shutil.which("openssl")
    if openssl is None:
        unavailable("openssl is missing: it makes the test's self-signed certificate")
    certificate, key = folder / "server.crt", folder / "server.key"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(certificate),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )  # fmt: skip
    return certificate, key


class TlsProxy:
    """Listens on 127.0.0.1:<port> with TLS and forwards the decrypted bytes to a target."""

    def __init__(self, target: tuple[str, int], certificate: Path, key: Path) -> None:
        self._target = target
        self._context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._context.load_cert_chain(certificate, key)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:  # stopped
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            secure = self._context.wrap_socket(client, server_side=True)
        except (ssl.SSLError, OSError):  # the client refused the certificate
            client.close()
            return
        upstream = socket.create_connection(self._target, timeout=5)
        upstream.settimeout(None)
        with self._lock:
            self._sockets += [secure, upstream]
        threading.Thread(
            target=pump, args=(upstream, secure), kwargs={"close": True}, daemon=True
        ).start()
        pump(secure, upstream, close=True)
