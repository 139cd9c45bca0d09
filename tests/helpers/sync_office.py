"""Offices that sync with a real regional server, for the sync client's tests.

``baom(data_dir, *args)`` runs the ``baom`` command (in this process; ``baom_process`` in
a new one), as the console script does (``ui.main``).
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

from sqlalchemy import select

from db.models import AuditEntry, OutboxEnvelope, Role
from kiosk.demo import DEMO_ACCOUNTS
from kiosk.office import open_office
from kiosk.paths import Paths
from tests.helpers import regional

ACCOUNT: tuple[str, str] = DEMO_ACCOUNTS[2][:2]
"""The administrator of the offices these tests make (``office init --admin``), the demo's
own: the commands that need a named account run as it (``BAOM_USER``, ``BAOM_PASSWORD``)."""
assert DEMO_ACCOUNTS[2][2] == Role.ADMIN
ACCOUNT_ENVIRONMENT = {"BAOM_USER": ACCOUNT[0], "BAOM_PASSWORD": ACCOUNT[1]}

_RUN = "import sys\nfrom ui.main import main\nsys.exit(main(sys.argv[1:]))\n"


def command(data_dir: Path, *args: str) -> list[str]:
    """The command line of ``baom --data-dir DATA_DIR ARGS`` (sync commands included)."""
    return [sys.executable, "-c", _RUN, "--data-dir", str(data_dir), *args]


def baom(
    data_dir: Path, *args: str, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run one ``baom`` command in this process (faster than a new one) and return what it did."""
    from ui.main import main

    argv = ["--data-dir", str(data_dir), *args]
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), environment(ACCOUNT_ENVIRONMENT):
        code = main(argv)
    result = subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())
    if check:
        assert result.returncode == 0, result.stderr
    return result


def baom_process(
    data_dir: Path, *args: str, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run one ``baom`` command in a process of its own and return what it did."""
    result = subprocess.run(
        command(data_dir, *args),
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **ACCOUNT_ENVIRONMENT, "QT_QPA_PLATFORM": "offscreen"},
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """``os.environ`` with ``values`` for the time of the block."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def baom_json(data_dir: Path, *args: str) -> Any:
    """Run one ``baom … --json`` command and return its JSON."""
    return json.loads(baom(data_dir, *args, "--json").stdout)


def enrolled_office(data_dir: Path, server: regional.Server, name: str = "BAOM Tiznit") -> str:
    """Set up an office in ``data_dir`` and enrol it with ``server``; returns its server id."""
    baom(data_dir, "office", "init", name, "--admin", ACCOUNT[0])
    office_id, code = regional.add_office(server.db_url, name)
    answer = baom_json(data_dir, "enrol", "--server", server.url, "--code", code)
    assert answer["office_id"] == office_id
    return office_id


def server_envelopes(server: regional.Server) -> list[tuple[str, str]]:
    """Every envelope the server stored: (id, content hash), read from its database."""
    path = server.db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT id, content_hash FROM envelope").fetchall()
    return [(str(uuid.UUID(str(row[0]))), str(row[1])) for row in rows]


def fill_outbox(data_dir: Path, count: int, chunk: int = 5_000) -> None:
    """Commit ``count`` new records (audit entries: one envelope each) at the office."""
    context = open_office(Paths.resolve(data_dir))
    try:
        for start in range(0, count, chunk):
            with context.store.unit_of_work(context.system) as uow:
                for number in range(start, min(count, start + chunk)):
                    uow.add(AuditEntry(user_name="test", action="fill", detail=f"record {number}"))
    finally:
        context.close()


def local_envelopes(data_dir: Path) -> dict[str, tuple[str, str]]:
    """Every envelope the office committed: id → (content hash, status)."""
    context = open_office(Paths.resolve(data_dir))
    try:
        with context.store.session() as session:
            rows = session.execute(
                select(OutboxEnvelope.id, OutboxEnvelope.content_hash, OutboxEnvelope.status)
            )
            return {str(row.id): (row.content_hash, row.status.value) for row in rows}
    finally:
        context.close()


def server_count(server: regional.Server, office_id: str) -> int:
    """How many envelopes the server stored for one office (a quick count)."""
    path = server.db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        row = connection.execute(
            "SELECT count(*) FROM envelope WHERE office_id = ?", (uuid.UUID(office_id).hex,)
        ).fetchone()
    return int(row[0])
