"""Running the regional server as a real process, for the server's and the client's tests.

``running_server(tmp_path)`` starts ``baom-regional serve`` on a free port and waits for
``GET /api/v1/health``; ``add_office(db_url, name)`` registers an office through the CLI;
``raw_request(url, head, body)`` talks HTTP over a bare socket, for what httpx will not
send (a ``Content-Length`` without its body, a chunked body left unfinished).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.helpers.postgres import free_port


def command() -> list[str]:
    """The ``baom-regional`` command of this environment."""
    script = Path(sys.executable).parent / "baom-regional"
    return [str(script)] if script.exists() else [sys.executable, "-m", "regional.cli"]


@dataclass(frozen=True)
class Server:
    """A server process: its base URL (``http://127.0.0.1:PORT``), database URL, data folder.

    The data folder holds the bundle secret key file: give ``--data-dir`` to the bundle
    commands.
    """

    url: str
    db_url: str
    process: subprocess.Popen[bytes]
    data_dir: Path | None = None


@contextmanager
def running_server(
    tmp_path: Path,
    db_url: str | None = None,
    timeout: float = 30.0,
    options: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Iterator[Server]:
    """Start ``baom-regional serve`` (SQLite in ``tmp_path`` unless ``db_url``); kill at exit.

    ``options`` are added to ``serve``'s; ``env`` is added to the process environment.
    """
    data_dir = tmp_path / "regional-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    url = db_url or f"sqlite:///{data_dir / 'regional.db'}"
    port = free_port()
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        [
            *command(),
            *("serve", "--db", url, "--data-dir", str(data_dir), "--port", str(port)),
            *options,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        start_new_session=True,  # its own process group: its workers (--workers) end with it
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: {(data_dir / 'server.log').read_text()}")
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not answer in time")
            time.sleep(0.1)
        yield Server(base, url, process, data_dir)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        log.close()


def add_office(db_url: str, name: str) -> tuple[str, str]:
    """Register an office through the CLI; returns its id and enrolment code."""
    result = subprocess.run(
        [*command(), "office", "add", name, "--json", "--db", db_url],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(result.stdout)
    return data["office_id"], data["enrolment_code"]


def raw_request(url: str, head: str, body: bytes = b"", timeout: float = 10.0) -> bytes:
    """Send ``head`` (request line and headers, one per line) then ``body`` to ``url``'s server.

    Returns what the server answered before it closed the connection or went quiet for
    ``timeout`` seconds: the request need not be complete (a ``Content-Length`` larger
    than ``body``, a chunked body without its last chunk).
    """
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        connection.sendall(head.strip().replace("\n", "\r\n").encode() + b"\r\n\r\n" + body)
        answer = b""
        try:
            while part := connection.recv(65536):
                answer += part
        except (TimeoutError, ConnectionResetError):
            pass
        return answer
