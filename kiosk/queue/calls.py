"""The calls of the day as the waiting-room display shows them: read from the call events.

The display never reads ticket rows for its calls: a recall is a new call on the screen (and
a new announcement) even though the ticket row did not change its state.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from db.models import QueueEvent, QueueEventKind, Ticket, TicketState
from db.store import Store

CALL_KINDS = (QueueEventKind.CALLED, QueueEventKind.RECALLED)


@dataclass(frozen=True)
class CallView:
    """One call event: which number is called to which counter, and when (UTC); the
    language the ticket was taken in, and the ticket's state now."""

    event_id: uuid.UUID
    number: str
    reason: str
    counter: int
    recall: bool
    at: datetime
    language: str
    state: TicketState

    def as_json(self) -> dict[str, Any]:
        """The call as plain JSON (for the display probe of the tests and the benchmark)."""
        return {
            "event_id": str(self.event_id),
            "number": self.number,
            "reason": self.reason,
            "counter": self.counter,
            "recall": self.recall,
            "at": self.at.isoformat(),
            "language": self.language,
            "state": self.state.value,
        }


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def recent_calls(store: Store, office_id: uuid.UUID, day: date, limit: int = 5) -> list[CallView]:
    """The last ``limit`` calls and recalls of the office day ``day``, newest first."""
    with store.session() as session:
        rows = session.execute(
            select(
                QueueEvent.id,
                Ticket.number,
                Ticket.reason_key,
                QueueEvent.counter,
                QueueEvent.kind,
                QueueEvent.at,
                Ticket.language,
                Ticket.state,
            )
            .join(Ticket, Ticket.id == QueueEvent.ticket_id)
            .where(
                QueueEvent.office_id == office_id,
                QueueEvent.kind.in_(CALL_KINDS),
                Ticket.office_day == day,
                QueueEvent.counter.is_not(None),
            )
            .order_by(QueueEvent.at.desc(), QueueEvent.id.desc())
            .limit(limit)
        ).all()
    return [
        CallView(
            event_id=event_id,
            number=number,
            reason=reason,
            counter=counter,
            recall=kind is QueueEventKind.RECALLED,
            at=_utc(at),
            language=language,
            state=state,
        )
        for event_id, number, reason, counter, kind, at, language, state in rows
        if counter is not None
    ]
