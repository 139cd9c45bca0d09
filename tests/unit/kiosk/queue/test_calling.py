"""Call next: the reasons of the counter, priority modes, the extra-wait limit, the estimate."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.models import PriorityKind, TicketState
from kiosk.office import OfficeContext
from kiosk.queue.config import load_config
from kiosk.queue.rules import PriorityMode, QueueRules
from kiosk.queue.service import QueueService
from kiosk.queue.states import Action, CounterBusy, QueueError
from tests.unit.kiosk.queue.conftest import FakeClock, take


def _queue(office: OfficeContext, clock: FakeClock, **rules: object) -> QueueService:
    return QueueService(
        office.store, office.office_id, load_config(None), QueueRules(**rules), now=clock
    )


def _calls(queue: QueueService, office: OfficeContext, counter: int, times: int) -> list[str]:
    numbers = []
    for _ in range(times):
        outcome = queue.call_next(office.system, counter)
        assert outcome is not None
        numbers.append(outcome.ticket.number)
        queue.start(office.system, outcome.ticket.number)
        queue.done(office.system, outcome.ticket.number)
    return numbers


def test_a_counter_calls_only_the_reasons_it_serves_in_order_of_arrival(
    queue: QueueService, office: OfficeContext, clock: FakeClock
) -> None:
    take(queue, office, "health")  # counter 1 only
    clock.advance(minutes=1)
    take(queue, office, "civil_registration")  # counters 1 and 2
    clock.advance(minutes=1)
    take(queue, office, "pensions_social_security")
    assert _calls(queue, office, counter=2, times=2) == ["B001", "A001"]
    assert queue.call_next(office.system, counter=2) is None
    assert _calls(queue, office, counter=1, times=1) == ["D001"]


def test_priority_first_calls_priority_visitors_before_earlier_ones(
    office: OfficeContext, clock: FakeClock
) -> None:
    queue = _queue(office, clock)
    for _ in range(3):
        take(queue, office)
        clock.advance(minutes=1)
    take(queue, office, priority_kind=PriorityKind.PREGNANT)
    take(queue, office, priority=True)
    assert _calls(queue, office, counter=1, times=5) == ["D004", "D005", "D001", "D002", "D003"]


def test_alternate_mode_takes_one_priority_then_one_normal(
    office: OfficeContext, clock: FakeClock
) -> None:
    queue = _queue(office, clock, priority_mode=PriorityMode.ALTERNATE)
    for _ in range(3):
        take(queue, office)
    for _ in range(3):
        take(queue, office, priority_kind=PriorityKind.ELDERLY)
    assert _calls(queue, office, counter=1, times=6) == [
        "D004",
        "D001",
        "D005",
        "D002",
        "D006",
        "D003",
    ]


def test_a_normal_ticket_waits_at_most_the_limit_after_a_priority_one_overtook_it(
    office: OfficeContext, clock: FakeClock
) -> None:
    queue = _queue(office, clock, max_extra_wait=timedelta(minutes=10))
    take(queue, office)  # D001, normal
    for _ in range(6):
        clock.advance(minutes=1)
        take(queue, office, priority_kind=PriorityKind.DISABILITY)
    called = []
    for _ in range(4):
        outcome = queue.call_next(office.system, 1)
        assert outcome is not None
        called.append(outcome.ticket.number)
        queue.start(office.system, outcome.ticket.number)
        clock.advance(minutes=4)
        queue.done(office.system, outcome.ticket.number)
    # D002 overtook D001 at minute 6; at minute 18 the limit of 10 minutes is past.
    assert called == ["D002", "D003", "D004", "D001"]


def test_an_officer_can_call_one_ticket_out_of_order(
    queue: QueueService, office: OfficeContext
) -> None:
    for _ in range(3):
        take(queue, office)
    assert queue.call(office.system, "D003", counter=1).ticket.counter == 1
    queue.start(office.system, "D003")
    queue.done(office.system, "D003")
    assert _calls(queue, office, counter=1, times=2) == ["D001", "D002"]


def test_position_and_estimated_wait_of_a_new_ticket(
    queue: QueueService, office: OfficeContext, clock: FakeClock
) -> None:
    first = take(queue, office, "pensions_social_security")
    assert (first.position, first.estimated_wait_min) == (0, 0)
    for _ in range(3):
        take(queue, office, "pensions_social_security")
    fifth = take(queue, office, "pensions_social_security")
    # 4 people before, 15 minutes each (the configured service time), 2 counters.
    assert (fifth.position, fifth.estimated_wait_min) == (4, 30)
    priority = take(queue, office, "pensions_social_security", priority=True)
    assert priority.position == 0
    assert take(queue, office, "health").position == 0


def test_the_estimate_uses_the_services_measured_today(
    queue: QueueService, office: OfficeContext, clock: FakeClock
) -> None:
    for _ in range(5):
        take(queue, office)
    for _ in range(3):
        outcome = queue.call_next(office.system, 1)
        assert outcome is not None
        queue.start(office.system, outcome.ticket.number)
        clock.advance(minutes=20)
        queue.done(office.system, outcome.ticket.number)
    taken = take(queue, office)
    assert (taken.position, taken.estimated_wait_min) == (2, 40)


def test_call_next_with_nobody_waiting_returns_none(
    queue: QueueService, office: OfficeContext
) -> None:
    assert queue.call_next(office.system, 1) is None


def test_two_kiosks_taking_tickets_at_once_never_share_a_number(
    queue: QueueService, office: OfficeContext
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def take_ten(_: int) -> list[str]:
        return [take(queue, office).ticket.number for _ in range(10)]

    with ThreadPoolExecutor(max_workers=3) as pool:
        numbers = [number for batch in pool.map(take_ten, range(3)) for number in batch]
    assert sorted(numbers) == [f"D{n:03d}" for n in range(1, 31)]


def test_two_counters_calling_at_once_never_call_the_same_ticket(
    queue: QueueService, office: OfficeContext
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    for _ in range(30):
        take(queue, office, "pensions_social_security")

    def call_ten(counter: int) -> list[str]:
        outcomes = [queue.call_next(office.system, counter) for _ in range(10)]
        return [outcome.ticket.number for outcome in outcomes if outcome is not None]

    with ThreadPoolExecutor(max_workers=3) as pool:
        numbers = [number for batch in pool.map(call_ten, (1, 2, 1)) for number in batch]
    assert sorted(numbers) == [f"A{n:03d}" for n in range(1, 31)]


def test_call_next_while_a_ticket_is_in_service_says_what_becomes_of_it(
    queue: QueueService, office: OfficeContext, clock: FakeClock
) -> None:
    """A counter serves one visitor at a time: calling the next one first ends the current
    one (done, on hold, or a no-show when the visitor left), never leaves it serving."""
    for _ in range(4):
        take(queue, office)
        clock.advance(minutes=1)
    served = queue.call_next(office.system, counter=1)
    assert served is not None
    queue.start(office.system, served.ticket.number)
    with pytest.raises(CounterBusy, match=f"counter 1 is still serving {served.ticket.number}"):
        queue.call_next(office.system, counter=1)
    assert [t.number for t in queue.status().serving] == [served.ticket.number]  # unchanged
    assert len(queue.status().waiting) == 3
    for then, state in [
        (Action.DONE, TicketState.DONE),
        (Action.HOLD, TicketState.ON_HOLD),
        (Action.NO_SHOW, TicketState.NO_SHOW),
    ]:
        current = queue.status().called[0] if queue.status().called else None
        if current is not None:  # the ticket called last comes to the counter
            queue.start(office.system, current.number)
        before = queue.status().serving[0].number
        clock.advance(minutes=7)
        outcome = queue.call_next(office.system, counter=1, then=then)
        assert outcome is not None
        called, ended = outcome.tickets
        assert (ended.number, ended.state) == (before, state)
        assert called.state is TicketState.CALLED and called.number != before
        assert [t.number for t in queue.status().serving] == []
    with pytest.raises(QueueError, match="done, hold or no-show"):
        queue.call_next(office.system, counter=1, then=Action.CANCEL)
