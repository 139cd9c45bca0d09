"""Property tests over random sequences of queue operations (hypothesis).

Each example works on an office day of its own, so examples share one office database.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from db.models import QueueEvent, QueueEventKind, Ticket, TicketState
from kiosk.clock import office_day
from kiosk.office import OfficeContext
from kiosk.queue.service import QueueService, TicketRequest
from kiosk.queue.states import QueueError
from kiosk.queue.stats import day_statistics
from tests.unit.kiosk.queue.conftest import MORNING, FakeClock

STATE_AFTER = {
    QueueEventKind.TAKEN: TicketState.WAITING,
    QueueEventKind.CALLED: TicketState.CALLED,
    QueueEventKind.RECALLED: TicketState.CALLED,
    QueueEventKind.STARTED: TicketState.SERVING,
    QueueEventKind.DONE: TicketState.DONE,
    QueueEventKind.NO_SHOW: TicketState.NO_SHOW,
    QueueEventKind.HELD: TicketState.ON_HOLD,
    QueueEventKind.TRANSFERRED: TicketState.WAITING,
    QueueEventKind.CANCELLED: TicketState.CANCELLED,
    QueueEventKind.REACTIVATED: TicketState.WAITING,
    QueueEventKind.CLOSED: TicketState.CLOSED,
}
OPERATIONS = (
    "take",
    "take_priority",
    "take_other",
    "call_next",
    "call",
    "recall",
    "start",
    "done",
    "no_show",
    "hold",
    "cancel",
    "reactivate",
    "transfer",
    "close_day",
)
WEIGHTED = (*OPERATIONS, "take", "take", "take_priority", "call_next", "start", "done")
_days = itertools.count()


def _run(
    queue: QueueService, office: OfficeContext, operation: str, pick: int, counter: int
) -> str | None:
    """Perform one operation; returns the number of the ticket it was aimed at."""
    actor = office.system
    if operation.startswith("take"):
        reason = "other" if operation == "take_other" else "pensions_social_security"
        request = TicketRequest(reason=reason, priority=operation == "take_priority")
        queue.take(actor, request)
        return None
    if operation == "call_next":
        queue.call_next(actor, counter)
        return None
    if operation == "close_day":
        queue.close_day(actor)
        return None
    with office.store.session() as session:
        numbers = list(
            session.scalars(
                select(Ticket.number)
                .where(Ticket.office_day == queue.today())
                .order_by(Ticket.sequence, Ticket.number)
            )
        )
    if not numbers:
        return None
    number = numbers[pick % len(numbers)]
    if operation == "call":
        queue.call(actor, number, counter)
    elif operation == "transfer":
        queue.transfer(actor, number, reason="other")
    else:
        getattr(queue, operation)(actor, number)
    return number


def _day_tickets(office: OfficeContext, day: date) -> list[Ticket]:
    with office.store.session() as session:
        return list(session.scalars(select(Ticket).where(Ticket.office_day == day)))


def _last_events(office: OfficeContext, day: date) -> dict[str, QueueEventKind]:
    with office.store.session() as session:
        rows = session.execute(
            select(Ticket.number, QueueEvent.kind, QueueEvent.version)
            .join(QueueEvent, QueueEvent.ticket_id == Ticket.id)
            .where(Ticket.office_day == day)
            .order_by(QueueEvent.at, QueueEvent.id)
        ).all()
    assert all(version == 1 for _, _, version in rows)  # events are never updated
    return {number: kind for number, kind, _ in rows}


@pytest.mark.slow
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(WEIGHTED),
            st.integers(0, 20),
            st.sampled_from([1, 2]),
            st.integers(0, 10),
        ),
        min_size=3,
        max_size=30,
    )
)
def test_random_operations_keep_the_queue_consistent(
    office: OfficeContext, steps: list[tuple[str, int, int, int]]
) -> None:
    clock = FakeClock(MORNING + timedelta(days=next(_days)))
    queue = QueueService.for_office(office, now=clock)
    day = queue.today()
    for operation, pick, counter, minutes in steps:
        clock.advance(minutes=minutes)
        before = {ticket.number: ticket.state for ticket in _day_tickets(office, day)}
        try:
            _run(queue, office, operation, pick, counter)
        except QueueError:
            after = {ticket.number: ticket.state for ticket in _day_tickets(office, day)}
            assert after == before  # a refused action changes nothing
    assert office_day(clock()) == day

    tickets = _day_tickets(office, day)
    # A number is never given twice on one day for one reason; sequences have no gaps.
    sequences: dict[str, list[int]] = defaultdict(list)
    for ticket in tickets:
        sequences[ticket.issued_reason].append(ticket.sequence)
    assert len({ticket.number for ticket in tickets}) == len(tickets)
    for drawn in sequences.values():
        assert sorted(drawn) == list(range(1, len(drawn) + 1))

    # A ticket is in exactly one state: the one its last event says.
    last = _last_events(office, day)
    assert {ticket.number: ticket.state for ticket in tickets} == {
        number: STATE_AFTER[kind] for number, kind in last.items()
    }
    status = queue.status()
    listed = [
        ticket.number
        for group in (status.waiting, status.called, status.serving, status.on_hold)
        for ticket in group
    ]
    assert len(listed) == len(set(listed))
    assert set(listed) == {
        ticket.number
        for ticket in tickets
        if ticket.state
        in (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING, TicketState.ON_HOLD)
    }

    # The counts of the statistics add up.
    figures = day_statistics(office.store, office.office_id, day, queue.config)
    overall = figures.overall
    assert overall.tickets == len(tickets)
    assert overall.tickets == (
        overall.served + overall.no_show + overall.cancelled + overall.closed + overall.open
    )
    assert sum(group.tickets for group in figures.by_reason.values()) == overall.tickets
    assert sum(group.served for group in figures.by_reason.values()) == overall.served
    assert sum(group.tickets for group in figures.by_counter.values()) == sum(
        1 for ticket in tickets if ticket.counter is not None
    )
