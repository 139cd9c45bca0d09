"""The audit trail is append-only and chained: whoever edits, deletes or inserts an entry by
hand with the database key (dropping the triggers first) is found by ``verify``, and writers
in several processes still make one chain."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import sqlcipher3

from db import migrate
from db.audit_chain import GENESIS
from db.models import AuditEntry
from kiosk.audit import check_trail
from kiosk.office import OfficeContext

ROOT = Path(__file__).resolve().parents[3]


def _write(office: OfficeContext, count: int) -> None:
    for number in range(count):
        with office.store.unit_of_work(office.system) as uow:
            uow.audit("test", detail=f"entry {number}")


@contextmanager
def _raw(office: OfficeContext) -> Iterator[Any]:
    """The database opened as an attacker would: sqlcipher3 and the key, no application."""
    key = office.paths.key_file.read_text().strip()
    connection = sqlcipher3.connect(str(office.paths.database))
    connection.execute(f"PRAGMA key = \"x'{key}'\"")
    try:
        yield connection
        connection.commit()
    finally:
        connection.close()


def _drop_triggers(raw: Any) -> None:
    for (name,) in raw.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_entry_no_%'"
    ).fetchall():
        raw.execute(f"DROP TRIGGER {name}")


def _seq_of(office: OfficeContext, detail: str) -> int:
    with office.store.session() as session:
        return int(session.scalar(sa.select(AuditEntry.seq).where(AuditEntry.detail == detail)))


def test_a_trail_written_through_units_of_work_is_intact(office: OfficeContext) -> None:
    before = check_trail(office, office.system)
    _write(office, 5)

    verdict = check_trail(office, office.system)
    assert verdict.intact, verdict.problem
    assert verdict.entries == before.entries + 5
    with office.store.session() as session:
        rows = session.execute(
            sa.select(AuditEntry.seq, AuditEntry.prev_hash, AuditEntry.entry_hash).order_by(
                AuditEntry.seq
            )
        ).all()
    assert [row.seq for row in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == GENESIS
    assert all(rows[i].prev_hash == rows[i - 1].entry_hash for i in range(1, len(rows)))
    assert verdict.head == rows[-1].entry_hash


def test_the_database_refuses_to_change_or_delete_an_entry(office: OfficeContext) -> None:
    _write(office, 1)
    with _raw(office) as raw:
        for statement in ("UPDATE audit_entry SET detail = 'x'", "DELETE FROM audit_entry"):
            with pytest.raises(sqlcipher3.IntegrityError, match="append-only"):
                raw.execute(statement)
    assert check_trail(office, office.system).intact


def test_an_entry_edited_by_hand_is_named(office: OfficeContext) -> None:
    _write(office, 4)
    seq = _seq_of(office, "entry 2")
    with _raw(office) as raw:
        _drop_triggers(raw)
        raw.execute("UPDATE audit_entry SET user_name = 'nobody' WHERE detail = 'entry 2'")

    verdict = check_trail(office, office.system)
    assert not verdict.intact
    assert verdict.broken_seq == seq and verdict.entries == seq - 1
    assert f"entry {seq} was changed" in verdict.problem


def test_an_entry_edited_with_its_hash_made_again_breaks_the_next_link(
    office: OfficeContext,
) -> None:
    _write(office, 4)
    seq = _seq_of(office, "entry 1")
    with _raw(office) as raw:
        _drop_triggers(raw)
        raw.execute(
            "UPDATE audit_entry SET detail = 'quiet', entry_hash = ? WHERE detail = 'entry 1'",
            ("f" * 64,),
        )
    verdict = check_trail(office, office.system)
    assert verdict.broken_seq == seq  # its own hash no longer matches its content


def test_an_entry_deleted_by_hand_is_found(office: OfficeContext) -> None:
    _write(office, 4)
    seq = _seq_of(office, "entry 1")
    with _raw(office) as raw:
        _drop_triggers(raw)
        raw.execute("DELETE FROM audit_entry WHERE detail = 'entry 1'")

    verdict = check_trail(office, office.system)
    assert not verdict.intact
    assert verdict.problem.startswith(f"entry {seq} is missing")


def test_an_entry_inserted_by_hand_is_found(office: OfficeContext) -> None:
    _write(office, 2)
    head = check_trail(office, office.system)
    with _raw(office) as raw:
        raw.execute(
            "INSERT INTO audit_entry (id, office_id, created_at, updated_at, version, at, "
            "user_id, user_name, action, entity_type, entity_id, detail, seq, prev_hash, "
            "entry_hash) SELECT '0000000000007000800000000000beef', office_id, created_at, "
            "updated_at, 1, at, NULL, 'ghost', 'login', '', NULL, '', seq + 1, entry_hash, ? "
            "FROM audit_entry ORDER BY seq DESC LIMIT 1",
            ("e" * 64,),
        )
    verdict = check_trail(office, office.system)
    assert verdict.broken_seq == head.entries + 1
    assert "inserted by hand" in verdict.problem


def test_missing_triggers_are_reported_even_when_the_chain_holds(office: OfficeContext) -> None:
    with _raw(office) as raw:
        _drop_triggers(raw)
    verdict = check_trail(office, office.system)
    assert not verdict.intact and "triggers" in verdict.problem


def test_the_migration_chains_the_entries_already_there_in_their_order(
    office: OfficeContext,
) -> None:
    migrate.downgrade(office.store, "0011")
    with office.store.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM audit_entry"))
        for minute in (30, 10, 20):
            connection.execute(
                sa.text(
                    "INSERT INTO audit_entry (id, office_id, created_at, updated_at, version, "
                    "at, user_id, user_name, action, entity_type, entity_id, detail) VALUES "
                    "(:id, :office, :at, :at, 1, :at, NULL, 'amina', 'login', '', NULL, :detail)"
                ),
                {
                    "id": f"{minute:032x}",
                    "office": office.office_id.hex,
                    "at": f"2026-03-01 12:{minute}:00.000000",
                    "detail": f"at {minute}",
                },
            )

    migrate.upgrade(office.store)

    verdict = check_trail(office, office.system)
    assert verdict.intact and verdict.entries == 3, verdict
    with office.store.session() as session:
        details = session.scalars(sa.select(AuditEntry.detail).order_by(AuditEntry.seq)).all()
    assert details == ["at 10", "at 20", "at 30"]
    _write(office, 1)
    assert check_trail(office, office.system).entries == 4


_WRITER = """
import sys
from kiosk.office import open_office
from kiosk.paths import Paths
context = open_office(Paths.resolve(data_dir=sys.argv[1], config_dir=sys.argv[2]))
for number in range(int(sys.argv[3])):
    with context.store.unit_of_work(context.system) as uow:
        uow.audit("test", detail=f"{sys.argv[4]} {number}")
context.close()
"""


def test_two_processes_writing_at_once_make_one_chain(office: OfficeContext) -> None:
    before = check_trail(office, office.system).entries
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _WRITER,
                str(office.paths.data_dir),
                str(office.paths.config_dir),
                "40",
                name,
            ],
            cwd=ROOT,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("kiosk", "desk")
    ]
    _write(office, 20)  # and this process as a third writer
    for writer in writers:
        _, error = writer.communicate(timeout=120)
        assert writer.returncode == 0, error

    verdict = check_trail(office, office.system)
    assert verdict.intact, verdict.problem
    assert verdict.entries == before + 100
