"""The ticket state machine: which action is allowed from which state, and where it leads.

waiting → called (the call count goes up) → serving → done; called → called again
(recall) until the call limit, then no-show; no-show → waiting (reactivate); serving →
waiting for another reason or counter (transfer, keeping the number and the arrival time);
serving → on hold → called; waiting → cancelled; any open ticket → closed at the end of the
day. Everything else is refused with :class:`InvalidTransition`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from db.models import QueueEventKind, TicketState


class Action(enum.StrEnum):
    """What an officer, a visitor or the daily close does to a ticket (command names)."""

    CALL = "call"
    RECALL = "recall"
    START = "start"
    DONE = "done"
    NO_SHOW = "no-show"
    HOLD = "hold"
    CANCEL = "cancel"
    REACTIVATE = "reactivate"
    TRANSFER = "transfer"
    CLOSE = "close"


OPEN_STATES = frozenset(
    {TicketState.WAITING, TicketState.CALLED, TicketState.SERVING, TicketState.ON_HOLD}
)


@dataclass(frozen=True)
class Transition:
    """One allowed action: the states it starts from, the state it leads to, its event."""

    sources: frozenset[TicketState]
    target: TicketState
    event: QueueEventKind


TRANSITIONS: dict[Action, Transition] = {
    Action.CALL: Transition(
        frozenset({TicketState.WAITING, TicketState.ON_HOLD}),
        TicketState.CALLED,
        QueueEventKind.CALLED,
    ),
    Action.RECALL: Transition(
        frozenset({TicketState.CALLED}), TicketState.CALLED, QueueEventKind.RECALLED
    ),
    Action.START: Transition(
        frozenset({TicketState.CALLED}), TicketState.SERVING, QueueEventKind.STARTED
    ),
    Action.DONE: Transition(
        frozenset({TicketState.SERVING}), TicketState.DONE, QueueEventKind.DONE
    ),
    Action.NO_SHOW: Transition(  # nobody came, or the visitor left during the service
        frozenset({TicketState.CALLED, TicketState.SERVING}),
        TicketState.NO_SHOW,
        QueueEventKind.NO_SHOW,
    ),
    Action.HOLD: Transition(
        frozenset({TicketState.SERVING}), TicketState.ON_HOLD, QueueEventKind.HELD
    ),
    Action.CANCEL: Transition(
        frozenset({TicketState.WAITING}), TicketState.CANCELLED, QueueEventKind.CANCELLED
    ),
    Action.REACTIVATE: Transition(
        frozenset({TicketState.NO_SHOW}), TicketState.WAITING, QueueEventKind.REACTIVATED
    ),
    Action.TRANSFER: Transition(
        frozenset({TicketState.SERVING}), TicketState.WAITING, QueueEventKind.TRANSFERRED
    ),
    Action.CLOSE: Transition(OPEN_STATES, TicketState.CLOSED, QueueEventKind.CLOSED),
}


class QueueError(Exception):
    """A queue request cannot be met; the message says why, in plain words."""


class InvalidTransition(QueueError):
    """An action refused in the ticket's state; the message names ticket, state and action."""

    def __init__(self, number: str, state: TicketState, action: Action, reason: str) -> None:
        self.number = number
        self.state = state
        self.action = action
        super().__init__(f"ticket {number} is {state.value}: {action.value} refused ({reason})")


AFTER_SERVICE = (Action.DONE, Action.HOLD, Action.NO_SHOW)
"""What may become of the ticket a counter serves when it calls the next one."""


class CounterBusy(QueueError):
    """Call next while the counter still serves a ticket, without saying what becomes of it."""

    def __init__(self, number: str, counter: int) -> None:
        self.number = number
        self.counter = counter
        super().__init__(
            f"counter {counter} is still serving {number}: say first whether it is done, "
            "on hold or a no-show"
        )


def check(
    number: str, state: TicketState, action: Action, call_count: int, max_calls: int
) -> Transition:
    """The transition ``action`` makes from ``state``, or :class:`InvalidTransition`."""
    transition = TRANSITIONS[action]
    if state not in transition.sources:
        allowed = ", ".join(sorted(source.value for source in transition.sources))
        raise InvalidTransition(number, state, action, f"allowed only when {allowed}")
    if action is Action.RECALL and call_count >= max_calls:
        raise InvalidTransition(
            number, state, action, f"called {call_count} times already: mark it no-show"
        )
    if action is Action.NO_SHOW and state is TicketState.CALLED and call_count < max_calls:
        raise InvalidTransition(
            number,
            state,
            action,
            f"called {call_count} of {max_calls} times: recall it before a no-show",
        )
    return transition
