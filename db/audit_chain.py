"""The audit trail's hash chain: append-only, and tamper-evident.

Every audit entry holds its place (``seq``), the hash of the entry before it
(``prev_hash``; :data:`GENESIS` for the first) and ``entry_hash``, the SHA-256 of its
canonical content (:data:`HASHED`, the previous hash included). An entry edited, deleted or
inserted by hand breaks the chain at that entry, which :func:`verify` names.

Several processes write the one database (kiosk, desk, ``baom`` commands): an entry is
linked inside the transaction that writes it, after taking SQLite's write lock
(:func:`link`), so that two writers never read the same last link. Triggers refuse every
UPDATE and DELETE of ``audit_entry`` (:func:`install_append_only`): entries hold no
personal data, so nothing ever needs to change or erase one.

The chain proves that nothing was changed *inside* the trail; someone holding the database
key could still rewrite every hash after an entry they changed, or cut the trail's end. The
summary of :func:`verify` (count and last hash) written down elsewhere, and the sealed copy
of every entry at the region, are what shows that.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, inspect, select, text

from db.base import json_value
from db.models import AuditEntry
from protocol.privacy import json_text

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""

HASHED = (
    "id",
    "office_id",
    "created_at",
    "updated_at",
    "version",
    "seq",
    "at",
    "user_id",
    "user_name",
    "action",
    "entity_type",
    "entity_id",
    "detail",
    "prev_hash",
)
"""The columns an entry's hash covers; never change it, or every hash already written breaks."""

_TRIGGERS = {"audit_entry_no_update": "UPDATE", "audit_entry_no_delete": "DELETE"}


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
    return json_value(value)


def entry_hash(values: Mapping[str, Any] | RowMapping) -> str:
    """The SHA-256 (hexadecimal) of an entry's :data:`HASHED` values."""
    content = {name: _canonical(values[name]) for name in HASHED}
    return hashlib.sha256(json_text(content).encode()).hexdigest()


def link(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Give each of ``rows`` (audit entries' values, in the order written) its ``seq``,
    ``prev_hash`` and ``entry_hash``, after the last entry of the trail.

    A write that changes nothing takes SQLite's write lock first (unless this transaction
    holds it already), so the last link read stays the last until this transaction ends.
    """
    if not rows:
        return
    connection.exec_driver_sql("UPDATE audit_entry SET seq = seq WHERE 0")
    last = connection.execute(
        text("SELECT seq, entry_hash FROM audit_entry ORDER BY seq DESC LIMIT 1")
    ).first()
    seq, previous = (0, GENESIS) if last is None else (int(last[0]), str(last[1]))
    for row in rows:
        seq += 1
        row["seq"], row["prev_hash"] = seq, previous
        row["entry_hash"] = previous = entry_hash(row)


def link_entries(connection: Connection, entries: Sequence[AuditEntry]) -> None:
    """:func:`link` for audit entries about to be inserted by a session."""
    rows = [{name: getattr(entry, name) for name in HASHED} for entry in entries]
    link(connection, rows)
    for entry, row in zip(entries, rows, strict=True):
        entry.seq, entry.prev_hash, entry.entry_hash = (
            row["seq"],
            row["prev_hash"],
            row["entry_hash"],
        )


def install_append_only(connection: Connection) -> None:
    """The triggers that refuse every UPDATE and DELETE of an audit entry (idempotent;
    only once the trail is chained, at revision 0012 or later)."""
    columns = {column["name"] for column in inspect(connection).get_columns("audit_entry")}
    if "entry_hash" not in columns:
        return
    for name, operation in _TRIGGERS.items():
        connection.exec_driver_sql(
            f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {operation} ON audit_entry BEGIN "
            f"SELECT RAISE(ABORT, 'the audit trail is append-only: no {operation} of an "
            "entry'); END"
        )


def drop_append_only(connection: Connection) -> None:
    """Remove the triggers (the downgrade of revision 0012)."""
    for name in _TRIGGERS:
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


@dataclass(frozen=True)
class Verdict:
    """What :func:`verify` found: how many entries, the last hash, and the first problem."""

    entries: int
    head: str
    problem: str = ""
    broken_seq: int | None = None
    broken_id: str | None = None

    @property
    def intact(self) -> bool:
        """Whether the whole trail is as it was written."""
        return not self.problem


def verify(connection: Connection) -> Verdict:
    """Walk the whole trail in order and name the first entry that breaks the chain."""
    table = AuditEntry.__table__
    rows = connection.execution_options(yield_per=2000).execute(select(table).order_by(table.c.seq))
    count, previous = 0, GENESIS
    for row in rows:
        values = row._mapping
        expected = count + 1
        problem = ""
        if values["seq"] != expected:
            problem = (
                f"entry {expected} is missing (deleted), the trail goes on at {values['seq']}"
                if values["seq"] > expected
                else f"entry {values['seq']} is out of place"
            )
        elif values["prev_hash"] != previous:
            problem = f"entry {expected} does not follow the entry before it (one was changed)"
        elif entry_hash(values) != values["entry_hash"]:
            problem = f"entry {expected} was changed or inserted by hand"
        if problem:
            rows.close()
            return Verdict(count, previous, problem, values["seq"], str(values["id"]))
        count, previous = expected, values["entry_hash"]
    present = set(
        connection.execute(
            text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entry'"
            )
        ).scalars()
    )
    if not set(_TRIGGERS) <= present:
        return Verdict(count, previous, "the triggers that keep the trail append-only are gone")
    return Verdict(count, previous)
