"""Stand-ins for a database that misbehaves: a proxy to cut or stall, a port that never answers."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

from proof.harness import free_port


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
                    target=self._pump, args=(source, destination, answers), daemon=True
                ).start()

    def _pump(self, source: socket.socket, destination: socket.socket, answers: bool) -> None:
        try:
            while data := source.recv(65536):
                if answers:
                    self._flowing.wait()
                elif not self._flowing.is_set():
                    with self._lock:
                        self._sent_while_paused.add(id(source))
                destination.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, destination):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def silent_port() -> Iterator[int]:
    """A port whose connections complete the TCP handshake and then never hear a word."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        # Never accepted: the kernel queues the connections and nothing ever answers them.
        listener.listen(64)
        port: int = listener.getsockname()[1]
        yield port
