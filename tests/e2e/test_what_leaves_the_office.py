"""What leaves the office: the region holds nothing it can read about a person.

An office enrolled with a real server process, on SQLite and on PostgreSQL. A visitor with a
unique marker in the name, the phone and a note, who refused sharing and statistics, is
synced; then neither the regional SQLite file nor a ``pg_dump`` of the PostgreSQL database
holds any of the markers, and the regional statistics count five visitors who agreed, not
that one.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from db.cases import Intake
from kiosk.office import open_office
from kiosk.paths import Paths
from kiosk.statistics import make_closed_months, month_of
from tests.helpers import regional
from tests.helpers.intake import answers
from tests.helpers.postgres import PostgresServer, bin_dir, postgresql_server
from tests.helpers.sync_office import ACCOUNT, baom, baom_json, enrolled_office

__all__ = ["postgresql_server"]
PASSWORD = "region-password-1"
NAME, PHONE, NOTE = "Qzxwvmarker", "0677123987", "Notemarkerzq"
VISITED = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[regional.Server]:
    """A server process on SQLite, or on a new database of the session's PostgreSQL."""
    db_url = None
    if request.param == "postgresql":
        cluster: PostgresServer = request.getfixturevalue("postgresql_server")
        db_url = cluster.url(cluster.new_database())
    with regional.running_server(tmp_path / "regional", db_url) as running:
        yield running


def _submit(data_dir: Path, tmp_path: Path, values: dict[str, object]) -> None:
    path = tmp_path / f"{uuid.uuid4().hex}.json"
    path.write_text(json.dumps(values), encoding="utf-8")
    baom(data_dir, "intake", "submit", str(path), "--json")


def _server_bytes(server: regional.Server) -> bytes:
    """Everything the region keeps: the SQLite files, or a dump of the PostgreSQL database."""
    if server.db_url.startswith("sqlite"):
        base = Path(server.db_url.removeprefix("sqlite:///"))
        return b"".join(
            path.read_bytes() for path in base.parent.glob(base.name + "*") if path.is_file()
        )
    url = server.db_url.replace("postgresql+psycopg://", "postgresql://")
    dump = subprocess.run(
        [str(bin_dir() / "pg_dump"), "--data-only", url], capture_output=True, check=True
    )
    return dump.stdout


def test_the_region_reads_no_person_and_counts_only_who_agreed(
    server: regional.Server, tmp_path: Path
) -> None:
    office = tmp_path / "office"
    enrolled_office(office, server)
    for number in range(5):
        _submit(office, tmp_path, answers(person__given_name=f"Agreed{number}"))
    refused = answers(
        consent__share=False,
        consent__stats=False,
        person__given_name=NAME,
        person__phone=PHONE,
        notes=f"{NOTE} came about a birth",
    )
    _submit(office, tmp_path, refused)
    context = open_office(Paths.resolve(office))
    try:
        with context.store.session() as session:  # the visits were in a month now published
            session.execute(update(Intake).values(at=VISITED))
            session.commit()
        made = make_closed_months(context.store, context.office_id, datetime.now(UTC))
    finally:
        context.close()
    assert made == 5
    month = month_of(VISITED)
    baom(office, "sync", "--once", "--json")

    held = _server_bytes(server)
    assert len(held) > 10_000  # the region did receive the office's records
    for marker in (NAME, PHONE, PHONE[1:], NOTE, "Agreed0"):
        assert marker.encode() not in held, marker
    assert b"Diallo" not in held  # the family name of every visitor

    subprocess.run(
        [*regional.command(), "user", "add", "lina", "--role", "region", "--db", server.db_url],
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    figures = subprocess.run(
        [
            *regional.command(),
            *("stats", "--month", month, "--user", "lina", "--json", "--db", server.db_url),
        ],
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    stats = json.loads(figures.stdout)
    assert stats["total"] == 5  # not 6: the visitor who refused statistics is in no count
    assert stats["by_nationality"] == {"SN": 5}


def test_enrolment_refuses_plain_http_to_another_host(tmp_path: Path) -> None:
    office = tmp_path / "office"
    baom(office, "office", "init", "BAOM Tiznit", "--admin", ACCOUNT[0])
    refused = baom(
        office, "enrol", "--server", "http://regional.example.ma", "--code", "K7MP-4XQ9-RT2W",
        check=False,
    )  # fmt: skip
    assert refused.returncode == 1
    assert "plain HTTP" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    state = baom_json(office, "sync", "status")
    assert state["enrolled"] is False
