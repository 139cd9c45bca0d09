"""The queue service: take a ticket, call the next one, move tickets through their states.

Every write goes through the unit of work on behalf of an actor, and every transition
appends a :class:`~db.models.QueueEvent` in the same transaction. The clock is handed in
(``now``), so tests decide what time it is.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.models import PriorityKind, QueueEvent, QueueEventKind, Ticket, TicketState
from db.store import Store
from db.uow import Actor, UnitOfWork
from kiosk.accounts import Permission, receives_women, require
from kiosk.clock import OFFICE_ZONE, office_day
from kiosk.office import OfficeContext
from kiosk.queue.config import QueueConfig, load_config
from kiosk.queue.estimate import estimated_wait, people_before
from kiosk.queue.numbering import Clock, next_number_columns, system_clock
from kiosk.queue.rules import Candidates, QueueRules, choose_next
from kiosk.queue.states import AFTER_SERVICE, OPEN_STATES, Action, CounterBusy, QueueError, check
from kiosk.queue.views import Outcome, QueueStatus, TakenTicket, TicketView
from kiosk.settings import LANGUAGE_CODES, SPOKEN_LANGUAGES

WRITE_ATTEMPTS = 20
"""How often a queue write starts again when other desks changed its tickets meanwhile; the
waits between attempts grow (up to a tenth of a second), about 1.5 s in all at most."""


@dataclass(frozen=True)
class TicketRequest:
    """What a visitor chose at the kiosk."""

    reason: str
    priority_kind: PriorityKind | None = None
    priority: bool = False
    language: str = "fr"
    woman_preferred: bool = False
    """The visitor asked to be received by a woman (a counter that can offers it first)."""

    @property
    def is_priority(self) -> bool:
        """Whether the visitor is served with priority."""
        return self.priority or self.priority_kind is not None


class QueueService:
    """The queue of one office: tickets, calls and transitions.

    ``rules`` are fixed rules, or how to read them (the office's settings): they are read
    at the first operation, so that making the service reads nothing (a window makes it
    on the GUI thread, and works on the worker).
    """

    def __init__(
        self,
        store: Store,
        office_id: uuid.UUID,
        config: QueueConfig,
        rules: QueueRules | Callable[[], QueueRules],
        now: Clock = system_clock,
        zone: ZoneInfo = OFFICE_ZONE,
    ) -> None:
        self.store = store
        self.office_id = office_id
        self.config = config
        self._rules = rules
        self.now = now
        self.zone = zone

    @property
    def rules(self) -> QueueRules:
        """The rules in force (read once)."""
        if not isinstance(self._rules, QueueRules):
            self._rules = self._rules()
        return self._rules

    @classmethod
    def for_office(cls, context: OfficeContext, now: Clock = system_clock) -> QueueService:
        """The queue of an opened office, with its reasons file and its settings."""
        return cls(
            context.store,
            context.office_id,
            load_config(context.paths.config_dir),
            partial(QueueRules.from_settings, context.settings),
            now,
        )

    def today(self) -> date:
        """The current office day."""
        return office_day(self.now(), self.zone)

    def take(self, actor: Actor, request: TicketRequest) -> TakenTicket:
        """A new ticket for ``request``, numbered after the reason's last one of the day."""
        reason = self.config.reason(request.reason)
        if request.language not in (*LANGUAGE_CODES, *SPOKEN_LANGUAGES):
            known = ", ".join((*LANGUAGE_CODES, *SPOKEN_LANGUAGES))
            raise QueueError(f"there is no language {request.language!r} (known: {known})")
        now = self.now()
        day = office_day(now, self.zone)
        sequence, number = next_number_columns(self.office_id, day, reason.key, reason.prefix)
        with self.store.unit_of_work(actor) as uow:
            ticket = uow.add(
                Ticket(
                    office_id=self.office_id,
                    office_day=day,
                    issued_reason=request.reason,
                    reason_key=request.reason,
                    number=number,
                    sequence=sequence,
                    priority=request.is_priority,
                    priority_kind=request.priority_kind,
                    language=request.language,
                    woman_preferred=request.woman_preferred,
                    state=TicketState.WAITING,
                    call_count=0,
                    arrived_at=now,
                )
            )
            uow.session.flush()  # the first write: the number is drawn under the write lock
            view = TicketView.of(ticket)
            self._event(uow, ticket, QueueEventKind.TAKEN, now)
            position = people_before(uow.session, self.office_id, view)
            wait = estimated_wait(uow.session, self.office_id, day, reason, position)
        return TakenTicket(view, position, wait, uow.changes)

    def call_next(self, actor: Actor, counter: int, then: Action | None = None) -> Outcome | None:
        """Call the next ticket for ``counter`` (``None`` when nobody waits for it).

        A counter serves one visitor at a time: while it serves a ticket, ``then`` (done,
        hold or no-show) says what becomes of that one, in the same transaction, and without
        it :class:`CounterBusy` is raised. The outcome's tickets are the called one, then
        the one it ended.
        """
        if then is not None and then not in AFTER_SERVICE:
            raise QueueError("after a service, a ticket is done, hold or no-show")
        reasons = self.config.served_at(counter)

        def call_first(uow: UnitOfWork) -> tuple[Ticket, ...]:
            women = receives_women(uow.session, actor)
            candidates = Candidates(self.office_id, self.today(), counter, reasons, women)
            ticket = choose_next(uow.session, candidates, self.rules, self.now())
            if ticket is None:
                return ()
            current = self._serving(uow.session, counter)
            if current is not None:
                if then is None:
                    raise CounterBusy(current.number, counter)
                self._apply(uow, current, then)
            self._apply(uow, ticket, Action.CALL, counter=counter)
            return (ticket,) if current is None else (ticket, current)

        outcome = self._write(actor, call_first)
        return outcome if outcome.tickets else None

    def call(self, actor: Actor, ref: str, counter: int) -> Outcome:
        """Call one chosen ticket (out of order, or back from hold) to ``counter``."""
        self.config.counter(counter)
        return self._act(actor, ref, Action.CALL, counter=counter)

    def recall(self, actor: Actor, ref: str) -> Outcome:
        """Call a called ticket once more."""
        return self._act(actor, ref, Action.RECALL)

    def start(self, actor: Actor, ref: str) -> Outcome:
        """The visitor came to the counter: the service starts."""
        return self._act(actor, ref, Action.START)

    def done(self, actor: Actor, ref: str) -> Outcome:
        """The visit is over."""
        return self._act(actor, ref, Action.DONE)

    def no_show(self, actor: Actor, ref: str) -> Outcome:
        """Nobody answered the last allowed call."""
        return self._act(actor, ref, Action.NO_SHOW)

    def hold(self, actor: Actor, ref: str) -> Outcome:
        """Put a visit on hold (the visitor fetches a document); call it again later."""
        return self._act(actor, ref, Action.HOLD)

    def cancel(self, actor: Actor, ref: str) -> Outcome:
        """A waiting visitor left."""
        return self._act(actor, ref, Action.CANCEL)

    def reactivate(self, actor: Actor, ref: str) -> Outcome:
        """A no-show came back: the ticket waits again, at its original place."""
        return self._act(actor, ref, Action.REACTIVATE)

    def transfer(
        self, actor: Actor, ref: str, reason: str | None = None, counter: int | None = None
    ) -> Outcome:
        """Send a visit to another reason and/or counter; it keeps its number and place."""
        if reason is None and counter is None:
            raise QueueError("a transfer needs another reason or another counter")
        new_reason = self.config.reason(reason) if reason is not None else None
        if counter is not None:
            self.config.counter(counter)

        def move(ticket: Ticket) -> str:
            if new_reason is not None:
                ticket.reason_key = new_reason.key
            if (
                counter is not None
                and counter not in self.config.reason(ticket.reason_key).counters
            ):
                raise QueueError(
                    f"counter {counter} does not serve {ticket.reason_key}: "
                    f"ticket {ticket.number} was not transferred"
                )
            ticket.for_counter = counter
            return f"to {ticket.reason_key}" + (f" at counter {counter}" if counter else "")

        return self._act(actor, ref, Action.TRANSFER, change=move)

    def close_day(self, actor: Actor, detail: str = "day closed") -> Outcome:
        """Close every ticket still open (of today and earlier days), recording why
        (supervisors: the desk's "Close the day", ``baom queue close-day``)."""
        require(actor, Permission.CLOSE_DAY)

        def close_all(uow: UnitOfWork) -> tuple[Ticket, ...]:
            tickets = uow.session.scalars(
                select(Ticket)
                .where(Ticket.office_id == self.office_id, Ticket.state.in_(OPEN_STATES))
                .order_by(Ticket.office_day, Ticket.arrived_at, Ticket.sequence)
            ).all()
            for ticket in tickets:
                self._apply(uow, ticket, Action.CLOSE, detail=detail)
            return tuple(tickets)

        return self._write(actor, close_all)

    def status(self) -> QueueStatus:
        """The open tickets of today, by state."""
        with self.store.session() as session:
            tickets = session.scalars(
                select(Ticket)
                .where(
                    Ticket.office_id == self.office_id,
                    Ticket.office_day == self.today(),
                    Ticket.state.in_(OPEN_STATES),
                )
                .order_by(Ticket.arrived_at, Ticket.sequence)
            ).all()
        views = [TicketView.of(ticket) for ticket in tickets]

        def in_state(state: TicketState) -> tuple[TicketView, ...]:
            return tuple(view for view in views if view.state is state)

        return QueueStatus(
            day=self.today(),
            waiting=in_state(TicketState.WAITING),
            called=in_state(TicketState.CALLED),
            serving=in_state(TicketState.SERVING),
            on_hold=in_state(TicketState.ON_HOLD),
        )

    def no_shows(self) -> tuple[TicketView, ...]:
        """Today's no-show tickets, in order of arrival (an officer may reactivate one)."""
        with self.store.session() as session:
            tickets = session.scalars(
                select(Ticket)
                .where(
                    Ticket.office_id == self.office_id,
                    Ticket.office_day == self.today(),
                    Ticket.state == TicketState.NO_SHOW,
                )
                .order_by(Ticket.arrived_at, Ticket.sequence)
            ).all()
            return tuple(TicketView.of(ticket) for ticket in tickets)

    def find(self, ref: str) -> TicketView:
        """The ticket ``ref``: a number of today (``A014``) or a ticket id."""
        with self.store.session() as session:
            return TicketView.of(self._find(session, ref))

    def _serving(self, session: Session, counter: int) -> Ticket | None:
        """The ticket ``counter`` serves now, if any."""
        return session.scalar(
            select(Ticket)
            .where(
                Ticket.office_id == self.office_id,
                Ticket.office_day == self.today(),
                Ticket.counter == counter,
                Ticket.state == TicketState.SERVING,
            )
            .order_by(Ticket.started_at.desc())
            .limit(1)
        )

    def _find(self, session: Session, ref: str) -> Ticket:
        text = ref.strip()
        try:
            ticket_id = uuid.UUID(text)
        except ValueError:
            ticket = session.scalar(
                select(Ticket).where(
                    Ticket.office_id == self.office_id,
                    Ticket.office_day == self.today(),
                    Ticket.number == text.upper(),
                )
            )
        else:
            ticket = session.get(Ticket, ticket_id)
        if ticket is None or ticket.office_id != self.office_id:
            raise QueueError(f"there is no ticket {text} today")
        return ticket

    def _act(
        self,
        actor: Actor,
        ref: str,
        action: Action,
        counter: int | None = None,
        change: Callable[[Ticket], str] | None = None,
    ) -> Outcome:

        def act_on_one(uow: UnitOfWork) -> tuple[Ticket, ...]:
            ticket = self._find(uow.session, ref)
            self._apply(uow, ticket, action, counter=counter, change=change)
            return (ticket,)

        return self._write(actor, act_on_one)

    def _write(self, actor: Actor, work: Callable[[UnitOfWork], tuple[Ticket, ...]]) -> Outcome:
        """Run ``work`` in one unit of work; from the start again when another desk changed
        one of its tickets meanwhile (the optimistic lock of ``Ticket.version``)."""
        attempt = 1
        while True:
            try:
                with self.store.unit_of_work(actor) as uow:
                    tickets = work(uow)
                return Outcome(tuple(TicketView.of(ticket) for ticket in tickets), uow.changes)
            except StaleDataError:
                if attempt == WRITE_ATTEMPTS:
                    raise QueueError(
                        "the queue was changed by another desk meanwhile; try again"
                    ) from None
                # let the other desk finish: a loaded PC loses several times in a row
                time.sleep(random.uniform(0, min(0.1, 0.002 * 2**attempt)))
                attempt += 1

    def _apply(
        self,
        uow: UnitOfWork,
        ticket: Ticket,
        action: Action,
        counter: int | None = None,
        change: Callable[[Ticket], str] | None = None,
        detail: str = "",
    ) -> None:
        """Check and make one transition, and append its event."""
        transition = check(
            ticket.number, ticket.state, action, ticket.call_count, self.rules.max_calls
        )
        now = self.now()
        if action is Action.CALL:
            ticket.counter = counter
            ticket.call_count = 1
            ticket.first_called_at = ticket.first_called_at or now
        elif action is Action.RECALL:
            ticket.call_count += 1
        elif action is Action.START:
            ticket.started_at = ticket.started_at or now
        elif action is Action.DONE or (action is Action.NO_SHOW and ticket.started_at):
            ticket.finished_at = now
        elif action in (Action.REACTIVATE, Action.TRANSFER):
            ticket.call_count = 0
            ticket.counter = None
        if change is not None:
            detail = change(ticket)
        ticket.state = transition.target
        self._event(uow, ticket, transition.event, now, detail)

    def _event(
        self,
        uow: UnitOfWork,
        ticket: Ticket,
        kind: QueueEventKind,
        at: datetime,
        detail: str = "",
    ) -> None:
        uow.add(
            QueueEvent(
                office_id=self.office_id,
                ticket_id=ticket.id,
                kind=kind,
                counter=ticket.counter,
                at=at,
                detail=detail,
            )
        )
