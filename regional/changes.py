"""The server's change sequence: what offices pull (directory rows, outcomes, settings, accounts).

Appends take transaction-scoped locks on PostgreSQL so that the changes one office sees
become visible in the order of their sequence numbers: a PC that has seen ``seq`` N can
never later miss a change < N that is for it (see :func:`lock_sequence`). Appends for
different offices run side by side. On SQLite every writing transaction is already
exclusive.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, or_, select, text
from sqlalchemy.orm import Session

from protocol.wire import MAX_PULL_PAGE, PullResponse, ServerChange
from regional.database import OFFICE_SEQUENCE_LOCKS, SEQUENCE_LOCK
from regional.models import ReceivedEnvelope
from regional.models import ServerChange as ChangeRow

DEFAULT_PULL_PAGE = 500
OFFICE_RECORD = "office_record"
"""A change that gives an office back one of its own sealed records (``regional.push``)."""


def lock_sequence(session: Session, office_id: uuid.UUID | None) -> None:
    """Order the transaction's appends for ``office_id`` (None: for every office) until it
    ends (PostgreSQL only; one of the two per transaction).

    A change for every office holds the sequence alone: it waits for every append in
    progress, and holds every other off. A change for one office shares the sequence with
    the other offices' and holds off only its own office's. So no change an office sees can
    commit while one it sees with a smaller number is still in progress.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    if office_id is None:
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SEQUENCE_LOCK})
        return
    session.execute(text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": SEQUENCE_LOCK})
    part = int.from_bytes(office_id.bytes[:4], "big", signed=True)
    session.execute(
        text("SELECT pg_advisory_xact_lock(:space, :part)"),
        {"space": OFFICE_SEQUENCE_LOCKS, "part": part},
    )


def append_change(
    session: Session,
    office_id: uuid.UUID | None,
    entity_type: str,
    entity_id: str,
    operation: str,
    payload: dict[str, Any] | None,
    now: datetime,
) -> int:
    """Append one change (``office_id`` None: for every office); returns its sequence number."""
    lock_sequence(session, office_id)
    row = ChangeRow(
        office_id=office_id,
        entity_type=entity_type,
        entity_id=entity_id,
        operation=operation,
        payload=payload if operation == "upsert" else None,
        at=now,
    )
    session.add(row)
    session.flush()
    return row.seq


def append_many(session: Session, office_id: uuid.UUID | None, rows: list[dict[str, Any]]) -> None:
    """Append many changes for ``office_id`` (None: for every office) at once, each a dict of
    :class:`ChangeRow` columns but ``seq``."""
    if rows:
        if any(row.get("office_id") != office_id for row in rows):
            raise ValueError("every change of append_many is for the same office")
        lock_sequence(session, office_id)
        session.execute(insert(ChangeRow), rows)


def _visible(office_id: uuid.UUID, origin: str | None) -> ColumnElement[bool]:
    """The changes an office's PC gets: everyone's, its office's, not the records it pushed."""
    own = ChangeRow.office_id == office_id
    if origin is not None:
        own = and_(own, or_(ChangeRow.origin.is_(None), ChangeRow.origin != origin))
    return or_(ChangeRow.office_id.is_(None), own)


def _record_payload(envelope: ReceivedEnvelope) -> dict[str, Any]:
    """An ``office_record`` change's payload: which record, and its sealed copy; ``erase``
    (only when true) for a tombstone."""
    payload: dict[str, Any] = {
        "entity_type": envelope.entity_type,
        "entity_id": str(envelope.entity_id),
        "operation": envelope.operation,
        "version": envelope.version,
        "sealed": envelope.sealed,
    }
    if envelope.erase:
        payload["erase"] = True
    return payload


def pull(
    session: Session,
    office_id: uuid.UUID,
    after: int,
    limit: int = DEFAULT_PULL_PAGE,
    origin: str | None = None,
) -> PullResponse:
    """The changes visible to ``office_id`` after ``after``, at most ``limit`` of them.

    ``origin`` (the token hash of the asking PC) leaves out the records it pushed itself.
    On the last page the cursor moves to the last change the office sees (read first: every
    change it sees below that one has committed, see :func:`lock_sequence`), past those this
    PC does not get, so that they are not read again at every pull.
    """
    limit = max(1, min(limit, MAX_PULL_PAGE))
    last = max(
        session.scalar(select(func.max(ChangeRow.seq)).where(ChangeRow.office_id == office_id))
        or 0,
        session.scalar(select(func.max(ChangeRow.seq)).where(ChangeRow.office_id.is_(None))) or 0,
    )
    rows = session.execute(
        select(ChangeRow, ReceivedEnvelope)
        .outerjoin(ReceivedEnvelope, ReceivedEnvelope.id == ChangeRow.envelope_id)
        .where(ChangeRow.seq > after, ChangeRow.seq <= last, _visible(office_id, origin))
        .order_by(ChangeRow.seq)
        .limit(limit + 1)
    ).all()
    page = rows[:limit]
    changes = []
    for row, envelope in page:
        payload = row.payload
        if envelope is not None:
            payload = _record_payload(envelope)
        upsert = row.operation != "delete"
        changes.append(
            ServerChange(
                seq=row.seq,
                entity_type=row.entity_type,
                entity_id=row.entity_id,
                operation="upsert" if upsert else "delete",
                payload=payload if upsert or envelope is not None else None,
            )
        )
    more = len(rows) > limit
    cursor = page[-1][0].seq if more else max(after, last)
    return PullResponse(changes=changes, cursor=cursor, more=more)
