"""A visitor who asks to be received by a woman: offered first to the counters whose officer
receives such visitors, called elsewhere only when nobody else waits, never shown publicly."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from db.models import PriorityKind, Role, UserAccount
from db.uow import Actor
from kiosk.office import OfficeContext
from kiosk.queue.service import QueueService
from tests.unit.kiosk.queue.conftest import FakeClock, take

REASON = "civil_registration"  # served at counters 1 and 2


def _officer(office: OfficeContext, name: str, receives_women: bool) -> Actor:
    office.accounts.add(office.system, name, Role.OFFICER, "a long password")
    with office.store.session() as session:
        account_id = session.scalar(select(UserAccount.id).where(UserAccount.name == name))
    actor = Actor(name, "officer", office.office_id, account_id)
    office.accounts.set_receives_women(actor, receives_women)
    assert office.accounts.receives_women(actor) is receives_women
    return actor


@pytest.fixture
def officers(office: OfficeContext) -> tuple[Actor, Actor]:
    """Fatima receives visitors who ask for a woman; Karim does not."""
    return _officer(office, "fatima", True), _officer(office, "karim", False)


def _arrive(queue: QueueService, office: OfficeContext, clock: FakeClock, **options: object) -> str:
    clock.advance(minutes=1)
    return take(queue, office, REASON, **options).ticket.number


def _call(queue: QueueService, actor: Actor, counter: int) -> str | None:
    outcome = queue.call_next(actor, counter)
    if outcome is None:
        return None
    queue.start(actor, outcome.ticket.number)
    queue.done(actor, outcome.ticket.number)
    return outcome.ticket.number


def test_a_counter_that_receives_women_offers_them_first_and_others_call_them_last(
    queue: QueueService, office: OfficeContext, clock: FakeClock, officers: tuple[Actor, Actor]
) -> None:
    fatima, karim = officers
    first = _arrive(queue, office, clock)
    asked = _arrive(queue, office, clock, woman_preferred=True)
    second = _arrive(queue, office, clock)
    later = _arrive(queue, office, clock, woman_preferred=True)
    assert _call(queue, fatima, 1) == asked  # before the two who came earlier or later
    assert _call(queue, karim, 2) == first  # Karim takes the others first
    assert _call(queue, karim, 2) == second
    assert _call(queue, karim, 2) == later  # nobody else waits: nobody waits forever


def test_within_the_wish_the_priority_rules_hold(
    queue: QueueService, office: OfficeContext, clock: FakeClock, officers: tuple[Actor, Actor]
) -> None:
    fatima, _ = officers
    normal = _arrive(queue, office, clock, woman_preferred=True)
    pregnant = _arrive(
        queue, office, clock, woman_preferred=True, priority_kind=PriorityKind.PREGNANT
    )
    other = _arrive(queue, office, clock)
    assert [_call(queue, fatima, 1) for _ in range(3)] == [pregnant, normal, other]


def test_the_wish_is_on_no_public_view_of_the_queue(
    queue: QueueService, office: OfficeContext, clock: FakeClock
) -> None:
    number = _arrive(queue, office, clock, woman_preferred=True)
    seen = json.dumps(queue.status().as_json()) + json.dumps(queue.find(number).as_json())
    assert "woman" not in seen
