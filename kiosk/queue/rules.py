"""The office's queue rules (settings) and the choice of the next ticket for a counter.

Priority visitors (elderly, pregnant, with a disability or a baby) pass before others:
either always (``priority_first``) or one priority, one normal at each counter
(``alternate``). In both modes a normal ticket is never called more than
``queue.max_extra_wait_minutes`` after the first priority ticket that arrived after it
(and so overtook it) was called: past that, it goes first.

A visitor may ask to be received by a woman (``Ticket.woman_preferred``, never shown on
the display). A counter whose officer receives such visitors (``receives_women``) offers
them first: it looks among those tickets before the others, with the same priority rules
within them; any other counter looks among the others first, and calls one of them only
when nobody else waits for it (so that nobody waits forever for a counter that is closed).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from db.models import QueueEvent, QueueEventKind, Ticket, TicketState
from kiosk.office import Settings


class PriorityMode(enum.StrEnum):
    """How priority tickets are mixed with normal ones."""

    PRIORITY_FIRST = "priority_first"
    ALTERNATE = "alternate"


@dataclass(frozen=True)
class QueueRules:
    """The queue settings of the office."""

    max_calls: int = 3
    priority_mode: PriorityMode = PriorityMode.PRIORITY_FIRST
    max_extra_wait: timedelta = timedelta(minutes=15)

    @classmethod
    def from_settings(cls, settings: Settings) -> QueueRules:
        """The rules as the office set them (``queue.*`` settings)."""
        return cls(
            max_calls=int(settings.get("queue.max_calls")),
            priority_mode=PriorityMode(str(settings.get("queue.priority_mode"))),
            max_extra_wait=settings.minutes("queue.max_extra_wait_minutes"),
        )


@dataclass(frozen=True)
class Candidates:
    """Where to look for the next ticket: an office day and what one counter serves."""

    office_id: uuid.UUID
    day: date
    counter: int
    reasons: tuple[str, ...]
    receives_women: bool = False
    """Whether the counter's officer receives visitors who ask for a woman."""


def waiting_for(candidates: Candidates) -> Select[Ticket]:
    """The waiting tickets a counter may call, in order of arrival."""
    return (
        select(Ticket)
        .where(
            Ticket.office_id == candidates.office_id,
            Ticket.office_day == candidates.day,
            Ticket.state == TicketState.WAITING,
            Ticket.reason_key.in_(candidates.reasons),
            or_(Ticket.for_counter.is_(None), Ticket.for_counter == candidates.counter),
        )
        .order_by(Ticket.arrived_at, Ticket.sequence)
    )


def choose_next(
    session: Session, candidates: Candidates, rules: QueueRules, now: datetime
) -> Ticket | None:
    """The ticket the counter should call now, or ``None`` when nobody waits for it: among
    the tickets it offers first (a woman's wish or not, see the module), else any."""
    offered_first = Ticket.woman_preferred.is_(candidates.receives_women)
    first = waiting_for(candidates).where(offered_first)
    return _choose(session, candidates, rules, now, first) or _choose(
        session, candidates, rules, now, waiting_for(candidates)
    )


def _choose(
    session: Session,
    candidates: Candidates,
    rules: QueueRules,
    now: datetime,
    among: Select[Ticket],
) -> Ticket | None:
    """The ticket to call among the waiting tickets ``among``, by the priority rules."""
    waiting = among.limit(1)
    first_priority = session.scalar(waiting.where(Ticket.priority.is_(True)))
    first_normal = session.scalar(waiting.where(Ticket.priority.is_(False)))
    if first_priority is None or first_normal is None:
        return first_priority or first_normal
    if first_normal.arrived_at < first_priority.arrived_at and _overdue(
        session, first_normal, rules, now
    ):
        return first_normal
    if rules.priority_mode is PriorityMode.ALTERNATE and _last_call_was_priority(
        session, candidates
    ):
        return first_normal
    return first_priority


def _overdue(session: Session, normal: Ticket, rules: QueueRules, now: datetime) -> bool:
    """Whether a priority ticket that arrived after ``normal`` was called too long ago."""
    overtaken_at = session.scalar(
        select(func.min(Ticket.first_called_at)).where(
            Ticket.office_id == normal.office_id,
            Ticket.office_day == normal.office_day,
            Ticket.priority.is_(True),
            Ticket.reason_key == normal.reason_key,
            Ticket.arrived_at > normal.arrived_at,
            Ticket.first_called_at.is_not(None),
        )
    )
    return overtaken_at is not None and now - overtaken_at >= rules.max_extra_wait


def _last_call_was_priority(session: Session, candidates: Candidates) -> bool:
    last = session.scalar(
        select(Ticket.priority)
        .join(QueueEvent, QueueEvent.ticket_id == Ticket.id)
        .where(
            QueueEvent.office_id == candidates.office_id,
            QueueEvent.kind == QueueEventKind.CALLED,
            QueueEvent.counter == candidates.counter,
            Ticket.office_day == candidates.day,
        )
        .order_by(QueueEvent.at.desc())
        .limit(1)
    )
    return bool(last)
