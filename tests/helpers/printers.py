"""Printers on the loopback interface: a good one, and ones that fail in the usual ways.

Each is a TCP server on 127.0.0.1, on a free port, in a thread. Its receive buffer is small,
as a real printer's is, so a sender notices when it stops reading.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

RECEIVE_BUFFER = 4096
ONLINE = {b"\x10\x04\x01": b"\x12"}
"""A good printer's answer to DLE EOT 1 (printer status): online, nothing wrong."""


def free_port() -> int:
    """A port of 127.0.0.1 where nothing listens (a printer that refuses connections)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LoopbackPrinter:
    """A network printer on loopback.

    ``mode`` is ``"ok"`` (reads everything), ``"hang"`` (accepts, never reads) or
    ``"close"`` (reads ``close_after`` bytes, then closes the connection). ``answers``
    maps a request (a status query) to the bytes the printer sends back (by default a good
    printer's "online"; ``{}`` for a printer that never answers). ``receive_buffer`` is its
    TCP receive buffer: a large one takes a whole job without the printer reading it.
    ``jobs`` holds the bytes of each connection once it has ended.
    """

    def __init__(
        self,
        mode: str = "ok",
        port: int | None = None,
        close_after: int = 2000,
        answers: dict[bytes, bytes] | None = None,
        receive_buffer: int = RECEIVE_BUFFER,
    ) -> None:
        self.mode = mode
        self.close_after = close_after
        self.answers = ONLINE if answers is None else answers
        self.jobs: list[bytes] = []
        self.connections = 0
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self._server.bind(("127.0.0.1", port or 0))
        self._server.listen(4)
        self._server.settimeout(0.1)
        self.port = int(self._server.getsockname()[1])
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    @property
    def uri(self) -> str:
        """Where to print."""
        return f"tcp://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, connection: socket.socket) -> None:
        received = bytearray()
        connection.settimeout(0.1)
        with connection:
            while not self._stop.is_set():
                if self.mode == "hang":
                    time.sleep(0.05)
                    continue
                try:
                    data = connection.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not data:
                    break
                received += data
                for request, answer in self.answers.items():
                    if request in data:
                        connection.sendall(answer)
                if self.mode == "close" and len(received) >= self.close_after:
                    connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    break
        self.jobs.append(bytes(received))

    def wait_for_jobs(self, count: int, timeout: float = 10.0) -> list[bytes]:
        """The jobs received, once ``count`` connections have ended (or the time is up)."""
        deadline = time.monotonic() + timeout
        while len(self.jobs) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.jobs)

    def close(self) -> None:
        """Stop listening and end every connection."""
        self._stop.set()
        self._server.close()
        self._accepting.join(2)
        for thread in self._threads:
            thread.join(2)


@contextmanager
def loopback_printer(mode: str = "ok", **options: Any) -> Iterator[LoopbackPrinter]:
    """A :class:`LoopbackPrinter` for the length of a ``with`` block."""
    printer = LoopbackPrinter(mode, **options)
    try:
        yield printer
    finally:
        printer.close()
