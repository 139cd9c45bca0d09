"""Running the regional server as a real process, for the server's and the client's tests.

``running_server(tmp_path)`` starts ``baom-regional serve`` on a free port and waits for
``GET /api/v1/health``; ``add_office(db_url, name)`` registers an office through the CLI.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
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
    """A server process: its base URL (``http://127.0.0.1:PORT``) and database URL."""

    url: str
    db_url: str
    process: subprocess.Popen[bytes]


@contextmanager
def running_server(
    tmp_path: Path, db_url: str | None = None, timeout: float = 30.0
) -> Iterator[Server]:
    """Start ``baom-regional serve`` (SQLite in ``tmp_path`` unless ``db_url``); kill at exit."""
    data_dir = tmp_path / "regional-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    url = db_url or f"sqlite:///{data_dir / 'regional.db'}"
    port = free_port()
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        [*command(), "serve", "--db", url, "--data-dir", str(data_dir), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
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
        yield Server(base, url, process)
    finally:
        process.kill()
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
