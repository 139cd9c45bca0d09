"""The calls of the day as the display reads them: call and recall events, newest first."""

from __future__ import annotations

from datetime import date

from kiosk.office import OfficeContext
from kiosk.queue.calls import recent_calls
from kiosk.queue.service import QueueService

from .conftest import FakeClock, take


def test_calls_and_recalls_newest_first_and_only_of_that_day(
    queue: QueueService, office: OfficeContext, clock: FakeClock
) -> None:
    actor = office.system
    for _ in range(3):
        take(queue, office, "pensions_social_security")
    queue.call_next(actor, 1)
    clock.advance(seconds=30)
    queue.recall(actor, "A001")
    clock.advance(seconds=30)
    queue.call_next(actor, 2)
    clock.advance(seconds=30)
    queue.start(actor, "A002")  # not a call: not shown

    calls = recent_calls(office.store, office.office_id, queue.today())

    assert [(c.number, c.counter, c.recall) for c in calls] == [
        ("A002", 2, False),
        ("A001", 1, True),
        ("A001", 1, False),
    ]
    assert calls[0].at.utcoffset() is not None
    assert calls[0].as_json()["number"] == "A002"
    assert len(recent_calls(office.store, office.office_id, queue.today(), limit=2)) == 2
    assert recent_calls(office.store, office.office_id, date(2026, 5, 11)) == []
