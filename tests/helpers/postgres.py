"""A throwaway PostgreSQL server for the tests (session-scoped), and one database per test.

The cluster is made with the server binaries of the Debian ``postgresql`` package
(``/usr/lib/postgresql/*/bin``, or ``pg_config --bindir``). initdb refuses to run as root:
as root, the binaries run as the ``postgres`` system user (``runuser``) in a folder it owns.
Missing binaries fail the tests with a clear message: they are never skipped.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

_MISSING = (
    "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and "
    "`pg_config --bindir`): install the Debian package `postgresql` (the test command does)."
)


def bin_dir() -> Path:
    """The folder of ``initdb`` and ``pg_ctl``; fails the test when there is none."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidate = Path(out.stdout.strip())
        if (candidate / "pg_ctl").exists():
            return candidate
    pytest.fail(_MISSING, pytrace=False)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway cluster (trust authentication on 127.0.0.1)."""

    host: str
    port: int
    user: str = "postgres"

    def url(self, database: str = "postgres") -> str:
        """A SQLAlchemy URL (psycopg 3 driver) for ``database``."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    @cached_property
    def admin(self) -> Engine:
        """An engine on the ``postgres`` database, outside transactions."""
        return create_engine(self.url(), isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def execute(self, statement: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE)."""
        with self.admin.connect() as connection:
            connection.execute(text(statement))

    def new_database(self, template: str | None = None) -> str:
        """Create a database (optionally copied from ``template``); returns its name."""
        name = f"t_{uuid.uuid4().hex[:16]}"
        # FILE_COPY: much faster than the default WAL_LOG for a small template.
        copy = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
        self.execute(f"CREATE DATABASE {name}{copy}")
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, closing its connections."""
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextmanager
def throwaway_cluster(*, durable: bool = False) -> Iterator[PostgresServer]:
    """A cluster in a temporary folder, stopped and removed on leaving.

    The tests' cluster skips fsync for speed; a ``durable`` one (benchmarks) keeps
    PostgreSQL's defaults, as in production.
    """
    binaries = bin_dir()
    root = Path(tempfile.mkdtemp(prefix="baom-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()
    initdb = [str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
    subprocess.run(
        _as_postgres([*initdb, "--no-sync", "-E", "UTF8", "--locale=C"]),
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c max_connections=300"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    pg_ctl = str(binaries / "pg_ctl")
    start = [pg_ctl, "-D", str(data), "-l", str(root / "log"), "-o", options, "-w", "start"]
    subprocess.run(_as_postgres(start), check=True, capture_output=True)
    try:
        yield PostgresServer("127.0.0.1", port)
    finally:
        stop = [pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"]
        subprocess.run(_as_postgres(stop), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[PostgresServer]:
    """Start a cluster for the test session; stopped and removed at its end."""
    with throwaway_cluster() as server:
        yield server
