"""Plain views of tickets handed to windows and commands (never live ORM objects)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from db.changes import Changes
from db.models import PriorityKind, Ticket, TicketState


@dataclass(frozen=True)
class TicketView:
    """A ticket as it was when read: safe to hand to another thread."""

    id: uuid.UUID
    number: str
    reason: str
    state: TicketState
    priority: bool
    priority_kind: PriorityKind | None
    language: str
    counter: int | None
    call_count: int
    office_day: date
    arrived_at: datetime
    first_called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, ticket: Ticket) -> TicketView:
        """The view of a ticket record."""
        return cls(
            id=ticket.id,
            number=ticket.number,
            reason=ticket.reason_key,
            state=ticket.state,
            priority=ticket.priority,
            priority_kind=ticket.priority_kind,
            language=ticket.language,
            counter=ticket.counter,
            call_count=ticket.call_count,
            office_day=ticket.office_day,
            arrived_at=ticket.arrived_at,
            first_called_at=ticket.first_called_at,
            started_at=ticket.started_at,
            finished_at=ticket.finished_at,
        )

    def as_json(self) -> dict[str, Any]:
        """The ticket as the ``baom queue`` commands print it."""

        def moment(value: datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "id": str(self.id),
            "number": self.number,
            "reason": self.reason,
            "state": self.state.value,
            "priority": self.priority,
            "priority_kind": None if self.priority_kind is None else self.priority_kind.value,
            "language": self.language,
            "counter": self.counter,
            "call_count": self.call_count,
            "office_day": self.office_day.isoformat(),
            "arrived_at": moment(self.arrived_at),
            "first_called_at": moment(self.first_called_at),
            "started_at": moment(self.started_at),
            "finished_at": moment(self.finished_at),
        }


@dataclass(frozen=True)
class Outcome:
    """What a queue operation did: the tickets it changed and every record it wrote."""

    tickets: tuple[TicketView, ...]
    changes: Changes

    @property
    def ticket(self) -> TicketView:
        """The one ticket of a single-ticket operation."""
        return self.tickets[0]


@dataclass(frozen=True)
class TakenTicket:
    """A new ticket with what the visitor is told: people before them and the wait."""

    ticket: TicketView
    position: int
    estimated_wait_min: int
    changes: Changes

    def as_json(self) -> dict[str, Any]:
        """The answer of ``baom ticket take --json``."""
        return {
            "ticket_id": str(self.ticket.id),
            "number": self.ticket.number,
            "reason": self.ticket.reason,
            "position": self.position,
            "estimated_wait_min": self.estimated_wait_min,
        }


@dataclass(frozen=True)
class QueueStatus:
    """The open tickets of the office day, by state, each list in order of arrival."""

    day: date
    waiting: tuple[TicketView, ...]
    called: tuple[TicketView, ...]
    serving: tuple[TicketView, ...]
    on_hold: tuple[TicketView, ...]

    def as_json(self) -> dict[str, Any]:
        """The answer of ``baom queue status --json``."""
        return {
            "day": self.day.isoformat(),
            "waiting": [ticket.as_json() for ticket in self.waiting],
            "called": [ticket.as_json() for ticket in self.called],
            "serving": [ticket.as_json() for ticket in self.serving],
            "on_hold": [ticket.as_json() for ticket in self.on_hold],
        }
