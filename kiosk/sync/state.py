"""Where the office stands with its regional server: the ``sync_state`` row and the counts.

Everything here reads or writes the office database directly: ``sync_state``,
``sync_conflict`` and the outbox status are local tables, outside the unit of work.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import EnvelopeStatus, OutboxEnvelope
from db.store import Store
from db.sync import STATE_ID, SyncConflict, SyncState


def state_of(session: Session) -> SyncState:
    """The ``sync_state`` row in ``session``, made (not yet enrolled) if absent."""
    state = session.get(SyncState, STATE_ID)
    if state is None:
        state = SyncState(
            id=STATE_ID,
            server_url="",
            remote_office_name="",
            token="",
            cursor=0,
            last_error="",
            last_error_kind="",
            consecutive_failures=0,
            statistics_through="",
        )
        session.add(state)
    return state


def read_state(store: Store) -> SyncState:
    """A detached copy of the ``sync_state`` row (a blank one before enrolment)."""
    with store.session() as session:
        state = state_of(session)
        session.expunge(state)
        return state


def envelope_counts(session: Session) -> dict[str, int]:
    """How many outbox envelopes are pending, sent and quarantined."""
    counts = {status.value: 0 for status in EnvelopeStatus}
    rows = session.execute(
        select(OutboxEnvelope.status, func.count()).group_by(OutboxEnvelope.status)
    )
    for status, count in rows:
        counts[EnvelopeStatus(status).value] = count
    return counts


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def status(store: Store) -> dict[str, Any]:
    """The sync status, as ``baom sync status --json`` prints it and the desk shows it."""
    with store.session() as session:
        state = session.get(SyncState, STATE_ID)
        counts = envelope_counts(session)
        conflicts = session.scalar(
            select(func.count()).select_from(SyncConflict).where(SyncConflict.resolved.is_(False))
        )
    return {
        "enrolled": bool(state is not None and state.token),
        "server": state.server_url if state is not None else "",
        "office_id": (
            str(state.remote_office_id)
            if state is not None and state.remote_office_id is not None
            else None
        ),
        "last_success": _iso(state.last_success) if state is not None else None,
        "last_attempt": _iso(state.last_attempt) if state is not None else None,
        "last_error": state.last_error if state is not None else "",
        "error_kind": state.last_error_kind if state is not None else "",
        "next_attempt_at": _iso(state.next_attempt_at) if state is not None else None,
        "cursor": state.cursor if state is not None else 0,
        "pending": counts[EnvelopeStatus.PENDING.value],
        "sent": counts[EnvelopeStatus.SENT.value],
        "quarantined": counts[EnvelopeStatus.QUARANTINED.value],
        "conflicts": int(conflicts or 0),
    }


def quarantined(store: Store) -> list[dict[str, Any]]:
    """The quarantined envelopes, oldest first, for a supervisor to review
    (``kiosk.sync.review`` sends one again or dismisses it)."""
    with store.session() as session:
        rows = session.scalars(
            select(OutboxEnvelope)
            .where(OutboxEnvelope.status == EnvelopeStatus.QUARANTINED)
            .order_by(OutboxEnvelope.created_at, OutboxEnvelope.id)
        ).all()
    return [
        {
            "id": str(row.id),
            "created_at": row.created_at.isoformat(),
            "entity_type": row.entity_type,
            "entity_id": str(row.entity_id),
            "operation": row.operation,
            "version": row.version,
            "content_hash": row.content_hash,
            "attempts": row.attempts,
            "error": row.last_error,
        }
        for row in rows
    ]


def conflicts(store: Store, *, include_resolved: bool = False) -> list[dict[str, Any]]:
    """The pulled changes that were not applied, oldest first."""
    query = select(SyncConflict).order_by(SyncConflict.at, SyncConflict.id)
    if not include_resolved:
        query = query.where(SyncConflict.resolved.is_(False))
    with store.session() as session:
        rows = session.scalars(query).all()
    return [
        {
            "id": str(row.id),
            "at": row.at.isoformat(),
            "seq": row.seq,
            "entity_type": row.entity_type,
            "entity_id": row.entity_id,
            "operation": row.operation,
            "payload": json.loads(row.payload) if row.payload else None,
            "reason": row.reason,
            "detail": row.detail,
            "resolved": row.resolved,
            "resolved_at": _iso(row.resolved_at),
            "resolved_by": None if row.resolved_by is None else str(row.resolved_by),
            "resolution": row.resolution,
            "note": row.note,
        }
        for row in rows
    ]
