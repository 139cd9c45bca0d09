"""What a visitor is told when taking a ticket: people before them and the estimated wait."""

from __future__ import annotations

import math
import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Ticket, TicketState
from kiosk.queue.config import Reason
from kiosk.queue.views import TicketView

MEASURED_SERVICES = 3


def people_before(session: Session, office_id: uuid.UUID, new: TicketView) -> int:
    """Waiting tickets of the same reason called before ``new`` (for a priority ticket,
    only the priority ones: it passes the others)."""
    query = select(func.count()).where(
        Ticket.office_id == office_id,
        Ticket.office_day == new.office_day,
        Ticket.state == TicketState.WAITING,
        Ticket.reason_key == new.reason,
        Ticket.id != new.id,
    )
    if new.priority:
        query = query.where(Ticket.priority.is_(True))
    return int(session.scalar(query) or 0)


def estimated_wait(
    session: Session, office_id: uuid.UUID, day: date, reason: Reason, people: int
) -> int:
    """Minutes until the visitor is called: the visits before them, shared by the counters.

    A visit lasts the average of the day's finished visits for that reason once there are
    a few of them, the reason's configured ``service_min`` before.
    """
    services = session.execute(
        select(Ticket.started_at, Ticket.finished_at).where(
            Ticket.office_id == office_id,
            Ticket.office_day == day,
            Ticket.reason_key == reason.key,
            Ticket.state == TicketState.DONE,
        )
    ).all()
    minutes = [
        (finished - started).total_seconds() / 60
        for started, finished in services
        if started is not None and finished is not None
    ]
    per_visit = (
        sum(minutes) / len(minutes) if len(minutes) >= MEASURED_SERVICES else reason.service_min
    )
    return math.ceil(people * per_visit / len(reason.counters))
