"""Each transition of the ticket state machine, and the refusal of every other action."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from db.models import AuditEntry, QueueEvent, QueueEventKind, TicketState
from kiosk.office import OfficeContext
from kiosk.queue.rules import QueueRules
from kiosk.queue.service import QueueService
from kiosk.queue.states import Action, InvalidTransition, QueueError
from tests.unit.kiosk.queue.conftest import FakeClock, take


def _events(office: OfficeContext, number: str) -> list[QueueEventKind]:
    from db.models import Ticket

    with office.store.session() as session:
        return list(
            session.scalars(
                select(QueueEvent.kind)
                .join(Ticket, Ticket.id == QueueEvent.ticket_id)
                .where(Ticket.number == number)
                .order_by(QueueEvent.at, QueueEvent.id)
            )
        )


def test_a_visit_goes_waiting_called_serving_done_with_one_event_each(
    queue: QueueService, office: OfficeContext, clock: FakeClock
) -> None:
    taken = take(queue, office)
    assert (taken.ticket.number, taken.ticket.state) == ("D001", TicketState.WAITING)
    clock.advance(minutes=4)
    called = queue.call_next(office.system, counter=1)
    assert called is not None
    assert called.ticket.state is TicketState.CALLED
    assert (called.ticket.call_count, called.ticket.counter) == (1, 1)
    clock.advance(minutes=1)
    assert queue.start(office.system, "D001").ticket.state is TicketState.SERVING
    clock.advance(minutes=9)
    done = queue.done(office.system, "d001").ticket
    assert done.state is TicketState.DONE
    assert done.first_called_at is not None and done.started_at is not None
    assert (done.first_called_at - done.arrived_at).total_seconds() == 240
    assert done.finished_at is not None
    assert (done.finished_at - done.started_at).total_seconds() == 540
    assert _events(office, "D001") == [
        QueueEventKind.TAKEN,
        QueueEventKind.CALLED,
        QueueEventKind.STARTED,
        QueueEventKind.DONE,
    ]


def test_each_write_is_audited_and_queue_events_are_never_updated(
    queue: QueueService, office: OfficeContext
) -> None:
    take(queue, office)
    queue.call_next(office.system, counter=1)
    outcome = queue.recall(office.system, "D001")
    assert outcome.changes.tables >= {"ticket", "queue_event"}
    with office.store.session() as session:
        versions = set(session.scalars(select(QueueEvent.version)))
        actions = list(session.scalars(select(AuditEntry.action)))
    assert versions == {1}
    assert actions.count("create") >= 4 and "update" in actions


def test_recall_until_the_limit_then_no_show_then_reactivate(
    queue: QueueService, office: OfficeContext
) -> None:
    take(queue, office)
    queue.call_next(office.system, counter=1)
    with pytest.raises(InvalidTransition, match="called 1 of 3 times"):
        queue.no_show(office.system, "D001")
    assert queue.recall(office.system, "D001").ticket.call_count == 2
    assert queue.recall(office.system, "D001").ticket.call_count == 3
    with pytest.raises(InvalidTransition, match=r"D001 is called: recall refused"):
        queue.recall(office.system, "D001")
    assert queue.no_show(office.system, "D001").ticket.state is TicketState.NO_SHOW
    back = queue.reactivate(office.system, "D001").ticket
    assert (back.state, back.call_count, back.counter) == (TicketState.WAITING, 0, None)
    assert _events(office, "D001")[-3:] == [
        QueueEventKind.RECALLED,
        QueueEventKind.NO_SHOW,
        QueueEventKind.REACTIVATED,
    ]


def test_the_call_limit_is_a_setting(office: OfficeContext, clock: FakeClock) -> None:
    office.settings.set(office.system, "queue.max_calls", "1")
    queue = QueueService.for_office(office, now=clock)
    assert queue.rules.max_calls == 1
    take(queue, office)
    queue.call_next(office.system, counter=1)
    with pytest.raises(InvalidTransition):
        queue.recall(office.system, "D001")
    assert queue.no_show(office.system, "D001").ticket.state is TicketState.NO_SHOW


def test_hold_then_call_again(queue: QueueService, office: OfficeContext) -> None:
    take(queue, office)
    queue.call_next(office.system, counter=1)
    queue.start(office.system, "D001")
    assert queue.hold(office.system, "D001").ticket.state is TicketState.ON_HOLD
    assert queue.call_next(office.system, counter=1) is None  # a held visit is called by hand
    again = queue.call(office.system, "D001", counter=1).ticket
    assert (again.state, again.call_count) == (TicketState.CALLED, 1)


def test_a_waiting_visitor_who_leaves_is_cancelled(
    queue: QueueService, office: OfficeContext
) -> None:
    take(queue, office)
    assert queue.cancel(office.system, "D001").ticket.state is TicketState.CANCELLED
    assert queue.call_next(office.system, counter=1) is None


def test_a_transfer_keeps_the_number_and_the_place_by_arrival(
    queue: QueueService, office: OfficeContext, clock: FakeClock
) -> None:
    take(queue, office, "health")  # D001, the earliest arrival
    clock.advance(minutes=1)
    take(queue, office, "legal_aid")  # H001
    queue.call_next(office.system, counter=1)
    queue.start(office.system, "D001")
    moved = queue.transfer(office.system, "D001", reason="legal_aid").ticket
    assert (moved.number, moved.reason, moved.state) == ("D001", "legal_aid", TicketState.WAITING)
    assert moved.call_count == 0
    called = queue.call_next(office.system, counter=2)
    assert called is not None and called.ticket.number == "D001"
    assert take(queue, office, "health").ticket.number == "D002"


def test_a_transfer_to_a_counter_waits_for_that_counter_only(
    queue: QueueService, office: OfficeContext
) -> None:
    take(queue, office, "pensions_social_security")
    queue.call_next(office.system, counter=1)
    queue.start(office.system, "A001")
    queue.transfer(office.system, "A001", counter=2)
    assert queue.call_next(office.system, counter=1) is None
    called = queue.call_next(office.system, counter=2)
    assert called is not None and called.ticket.number == "A001"


def test_a_transfer_to_a_counter_that_does_not_serve_the_reason_is_refused(
    queue: QueueService, office: OfficeContext
) -> None:
    take(queue, office, "health")
    queue.call_next(office.system, counter=1)
    queue.start(office.system, "D001")
    with pytest.raises(QueueError, match="counter 2 does not serve health"):
        queue.transfer(office.system, "D001", counter=2)
    assert queue.find("D001").state is TicketState.SERVING


def test_closing_the_day_closes_every_open_ticket_with_the_reason(
    queue: QueueService, office: OfficeContext
) -> None:
    for _ in range(4):
        take(queue, office)
    queue.call_next(office.system, counter=1)
    queue.start(office.system, "D001")
    queue.done(office.system, "D001")
    queue.call_next(office.system, counter=1)
    queue.cancel(office.system, "D004")
    closed = queue.close_day(office.system)
    assert [ticket.number for ticket in closed.tickets] == ["D002", "D003"]
    assert all(ticket.state is TicketState.CLOSED for ticket in closed.tickets)
    with office.store.session() as session:
        details = set(
            session.scalars(
                select(QueueEvent.detail).where(QueueEvent.kind == QueueEventKind.CLOSED)
            )
        )
    assert details == {"day closed"}
    assert queue.close_day(office.system).tickets == ()


# (how to bring D001 into the state, the refused action)
_SETUPS: dict[TicketState, list[Callable[[QueueService, OfficeContext], object]]] = {
    TicketState.WAITING: [],
    TicketState.CALLED: [lambda q, o: q.call_next(o.system, 1)],
    TicketState.SERVING: [
        lambda q, o: q.call_next(o.system, 1),
        lambda q, o: q.start(o.system, "D001"),
    ],
    TicketState.ON_HOLD: [
        lambda q, o: q.call_next(o.system, 1),
        lambda q, o: q.start(o.system, "D001"),
        lambda q, o: q.hold(o.system, "D001"),
    ],
    TicketState.DONE: [
        lambda q, o: q.call_next(o.system, 1),
        lambda q, o: q.start(o.system, "D001"),
        lambda q, o: q.done(o.system, "D001"),
    ],
    TicketState.CANCELLED: [lambda q, o: q.cancel(o.system, "D001")],
    TicketState.CLOSED: [lambda q, o: q.close_day(o.system)],
}
_ALLOWED = {
    TicketState.WAITING: {Action.CALL, Action.CANCEL, Action.CLOSE},
    TicketState.CALLED: {Action.RECALL, Action.START, Action.CLOSE},  # no-show needs 3 calls
    TicketState.SERVING: {  # a no-show: the visitor left during the service
        Action.DONE,
        Action.HOLD,
        Action.NO_SHOW,
        Action.TRANSFER,
        Action.CLOSE,
    },
    TicketState.ON_HOLD: {Action.CALL, Action.CLOSE},
    TicketState.DONE: set(),
    TicketState.CANCELLED: set(),
    TicketState.CLOSED: set(),
}
_REFUSALS = [
    (state, action)
    for state, allowed in _ALLOWED.items()
    for action in Action
    if action not in allowed and action is not Action.CLOSE
]


def _perform(queue: QueueService, office: OfficeContext, action: Action) -> None:
    if action is Action.CALL:
        queue.call(office.system, "D001", counter=1)
    elif action is Action.TRANSFER:
        queue.transfer(office.system, "D001", reason="other")
    else:
        getattr(queue, action.value.replace("-", "_"))(office.system, "D001")


@pytest.mark.parametrize(("state", "action"), _REFUSALS, ids=lambda v: str(v))
def test_any_other_action_is_refused_naming_ticket_state_and_action(
    queue: QueueService, office: OfficeContext, state: TicketState, action: Action
) -> None:
    take(queue, office)
    for step in _SETUPS[state]:
        step(queue, office)
    before = _events(office, "D001")
    with pytest.raises(InvalidTransition) as refused:
        _perform(queue, office, action)
    message = str(refused.value)
    assert f"ticket D001 is {state.value}" in message and f"{action.value} refused" in message
    assert (refused.value.number, refused.value.state) == ("D001", state)
    assert queue.find("D001").state is state
    assert _events(office, "D001") == before


def test_an_unknown_ticket_or_reason_is_a_clear_error(
    queue: QueueService, office: OfficeContext
) -> None:
    with pytest.raises(QueueError, match="there is no ticket Z999 today"):
        queue.start(office.system, "Z999")
    with pytest.raises(QueueError, match="there is no ticket"):
        queue.start(office.system, "01a22888-9bb7-768e-92fc-bd7e3295e319")
    from kiosk.queue.config import ReasonsError

    with pytest.raises(ReasonsError, match="no reason of visit 'tourism'"):
        take(queue, office, "tourism")
    with pytest.raises(QueueError, match="there is no language 'de'"):
        take(queue, office, language="de")


def test_a_ticket_is_found_by_its_id_as_well(queue: QueueService, office: OfficeContext) -> None:
    taken = take(queue, office)
    assert queue.find(str(taken.ticket.id)).number == "D001"


def test_default_rules_match_the_settings(office: OfficeContext) -> None:
    assert QueueService.for_office(office).rules == QueueRules()
