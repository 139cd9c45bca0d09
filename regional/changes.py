"""The server's change sequence: what offices pull (directory rows, outcomes, settings, accounts).

Appends take a transaction-scoped lock on PostgreSQL so that sequence numbers become
visible in order: a client that has seen ``seq`` N can never later miss a change < N.
On SQLite every writing transaction is already exclusive.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select, text
from sqlalchemy.orm import Session

from kiosk.sync.wire import MAX_PULL_PAGE, PullResponse, ServerChange
from regional.database import SEQUENCE_LOCK
from regional.models import ServerChange as ChangeRow

DEFAULT_PULL_PAGE = 500


def lock_sequence(session: Session) -> None:
    """Serialise appends to the sequence until the transaction ends (PostgreSQL only)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SEQUENCE_LOCK})


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
    lock_sequence(session)
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


def append_many(session: Session, rows: list[dict[str, Any]]) -> None:
    """Append many changes at once (each a dict of :class:`ChangeRow` columns but ``seq``)."""
    if rows:
        lock_sequence(session)
        session.execute(insert(ChangeRow), rows)


def pull(
    session: Session, office_id: uuid.UUID, after: int, limit: int = DEFAULT_PULL_PAGE
) -> PullResponse:
    """The changes visible to ``office_id`` after ``after``, at most ``limit`` of them."""
    limit = max(1, min(limit, MAX_PULL_PAGE))
    rows = session.scalars(
        select(ChangeRow)
        .where(
            ChangeRow.seq > after,
            or_(ChangeRow.office_id.is_(None), ChangeRow.office_id == office_id),
        )
        .order_by(ChangeRow.seq)
        .limit(limit + 1)
    ).all()
    page = rows[:limit]
    changes = [
        ServerChange(
            seq=row.seq,
            entity_type=row.entity_type,
            entity_id=row.entity_id,
            operation="delete" if row.operation == "delete" else "upsert",
            payload=row.payload if row.operation == "upsert" else None,
        )
        for row in page
    ]
    cursor = page[-1].seq if page else after
    return PullResponse(changes=changes, cursor=cursor, more=len(rows) > limit)
