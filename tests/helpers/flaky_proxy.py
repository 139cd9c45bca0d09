"""A loopback TCP proxy between an office and its regional server that breaks on purpose.

Each chunk the server sends back may be cut (``cut_rate``): both sockets are closed, so the
server may have stored a push the office never hears about. ``refuse`` closes every new
connection at once (the server looks down), ``cut_responses`` cuts every response
(the server does the work, the office never learns it). The upstream can be changed while
running, so a restarted server (on another port) sits behind the same address.
"""

from __future__ import annotations

import random
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class FlakyProxy:
    """The proxy's knobs; ``url`` is what the office is told to use."""

    upstream: tuple[str, int]
    cut_rate: float = 0.0
    refuse: bool = False
    cut_responses: bool = False
    seed: int = 0
    url: str = ""
    cuts: int = 0
    _rng: random.Random = field(default_factory=random.Random)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def should_cut(self) -> bool:
        """Whether to cut the connection now (thread-safe)."""
        with self._lock:
            cut = self.cut_responses or self._rng.random() < self.cut_rate
            self.cuts += cut
            return cut


def _close(*sockets: socket.socket) -> None:
    for sock in sockets:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()


def _pump(source: socket.socket, target: socket.socket, proxy: FlakyProxy | None) -> None:
    """Copy bytes until either side closes; ``proxy`` set: may cut before each chunk."""
    try:
        while chunk := source.recv(65536):
            if proxy is not None and proxy.should_cut():
                break
            target.sendall(chunk)
    except OSError:
        pass
    _close(source, target)


def _serve(listener: socket.socket, proxy: FlakyProxy, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            client, _ = listener.accept()
        except OSError:
            return
        if proxy.refuse:
            _close(client)
            continue
        try:
            server = socket.create_connection(proxy.upstream, timeout=5)
            server.settimeout(None)
        except OSError:
            _close(client)
            continue
        threading.Thread(target=_pump, args=(client, server, None), daemon=True).start()
        threading.Thread(target=_pump, args=(server, client, proxy), daemon=True).start()


@contextmanager
def flaky_proxy(upstream_url: str, cut_rate: float = 0.0, seed: int = 0) -> Iterator[FlakyProxy]:
    """Run a proxy in front of ``upstream_url`` (``http://127.0.0.1:PORT``) until the block ends."""
    host, port = upstream_url.removeprefix("http://").rsplit(":", 1)
    proxy = FlakyProxy(upstream=(host, int(port)), cut_rate=cut_rate, seed=seed)
    proxy._rng.seed(seed)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    proxy.url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop = threading.Event()
    thread = threading.Thread(target=_serve, args=(listener, proxy, stop), daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        stop.set()
        _close(listener)
        thread.join(timeout=5)


def point_at(proxy: FlakyProxy, upstream_url: str) -> None:
    """Send the proxy's next connections to another server address."""
    host, port = upstream_url.removeprefix("http://").rsplit(":", 1)
    proxy.upstream = (host, int(port))
