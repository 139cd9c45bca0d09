"""Office days in Africa/Casablanca: local midnight and Morocco's clock changes of 2026."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from db.models import Ticket
from kiosk.clock import OFFICE_ZONE, office_day
from kiosk.office import OfficeContext
from kiosk.queue.service import QueueService
from tests.unit.kiosk.queue.conftest import FakeClock, take

# Morocco leaves UTC+1 for UTC+0 during Ramadan 2026: clocks go back from 03:00 to 02:00
# on 15 February and forward from 02:00 to 03:00 on 22 March (tz database).
FALL_BACK = datetime(2026, 2, 15, 2, 0, tzinfo=UTC)
SPRING_FORWARD = datetime(2026, 3, 22, 2, 0, tzinfo=UTC)


def _offset(moment: datetime) -> timedelta:
    offset = moment.astimezone(OFFICE_ZONE).utcoffset()
    assert offset is not None
    return offset


def test_the_zone_database_has_the_2026_clock_changes() -> None:
    second = timedelta(seconds=1)
    assert (_offset(FALL_BACK - second), _offset(FALL_BACK)) == (timedelta(hours=1), timedelta(0))
    assert (_offset(SPRING_FORWARD - second), _offset(SPRING_FORWARD)) == (
        timedelta(0),
        timedelta(hours=1),
    )


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2026, 2, 14, 22, 59, tzinfo=UTC), date(2026, 2, 14)),  # 23:59 (UTC+1)
        (datetime(2026, 2, 14, 23, 0, tzinfo=UTC), date(2026, 2, 15)),  # 00:00 (UTC+1)
        (datetime(2026, 2, 15, 23, 59, tzinfo=UTC), date(2026, 2, 15)),  # 23:59 (UTC+0)
        (datetime(2026, 2, 16, 0, 0, tzinfo=UTC), date(2026, 2, 16)),
        (datetime(2026, 3, 21, 23, 59, tzinfo=UTC), date(2026, 3, 21)),  # 23:59 (UTC+0)
        (datetime(2026, 3, 22, 22, 59, tzinfo=UTC), date(2026, 3, 22)),  # 23:59 (UTC+1)
        (datetime(2026, 3, 22, 23, 0, tzinfo=UTC), date(2026, 3, 23)),
    ],
)
def test_the_office_day_follows_the_local_clock(moment: datetime, day: date) -> None:
    assert office_day(moment) == day


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        office_day(datetime(2026, 2, 15, 12, 0))


@pytest.mark.parametrize(
    ("last", "numbers"),
    [
        (0, ["D001", "D002"]),
        (8, ["D009", "D010"]),
        (98, ["D099", "D100"]),
        (998, ["D999", "D1000"]),
    ],
)
def test_numbers_have_at_least_three_digits(
    queue: QueueService, office: OfficeContext, last: int, numbers: list[str]
) -> None:
    if last:
        with office.store.unit_of_work(office.system) as uow:
            uow.add(
                Ticket(
                    office_day=queue.today(),
                    issued_reason="health",
                    reason_key="health",
                    number=f"D{last:03d}",
                    sequence=last,
                    arrived_at=queue.now(),
                )
            )
    assert [take(queue, office).ticket.number for _ in numbers] == numbers


def _numbers_at(
    queue: QueueService, office: OfficeContext, clock: FakeClock, moments: list[datetime]
) -> list[str]:
    numbers = []
    for moment in moments:
        clock.moment = moment
        numbers.append(take(queue, office).ticket.number)
    return numbers


def test_numbering_restarts_at_local_midnight_not_at_utc_midnight(
    queue: QueueService, office: OfficeContext, clock: FakeClock
) -> None:
    moments = [
        datetime(2026, 5, 12, 21, 0, tzinfo=UTC),  # 22:00 local, 12 May
        datetime(2026, 5, 12, 22, 30, tzinfo=UTC),  # 23:30 local, 12 May
        datetime(2026, 5, 12, 23, 30, tzinfo=UTC),  # 00:30 local, 13 May
        datetime(2026, 5, 13, 0, 30, tzinfo=UTC),  # 01:30 local, 13 May
    ]
    assert _numbers_at(queue, office, clock, moments) == ["D001", "D002", "D001", "D002"]


def test_numbering_across_the_day_the_clocks_go_back(
    queue: QueueService, office: OfficeContext, clock: FakeClock
) -> None:
    moments = [
        datetime(2026, 2, 14, 22, 30, tzinfo=UTC),  # 23:30 local (UTC+1), 14 Feb
        datetime(2026, 2, 14, 23, 30, tzinfo=UTC),  # 00:30 local, 15 Feb
        datetime(2026, 2, 15, 1, 30, tzinfo=UTC),  # 02:30 local, first time
        datetime(2026, 2, 15, 2, 30, tzinfo=UTC),  # 02:30 local, again (UTC+0)
        datetime(2026, 2, 15, 23, 30, tzinfo=UTC),  # 23:30 local: still 15 Feb (25-hour day)
        datetime(2026, 2, 16, 0, 30, tzinfo=UTC),  # 00:30 local, 16 Feb
    ]
    assert _numbers_at(queue, office, clock, moments) == [
        "D001",
        "D001",
        "D002",
        "D003",
        "D004",
        "D001",
    ]


def test_numbering_across_the_day_the_clocks_go_forward(
    queue: QueueService, office: OfficeContext, clock: FakeClock
) -> None:
    moments = [
        datetime(2026, 3, 21, 23, 30, tzinfo=UTC),  # 23:30 local (UTC+0), 21 March
        datetime(2026, 3, 22, 0, 30, tzinfo=UTC),  # 00:30 local, 22 March
        datetime(2026, 3, 22, 2, 30, tzinfo=UTC),  # 03:30 local (UTC+1)
        datetime(2026, 3, 22, 22, 30, tzinfo=UTC),  # 23:30 local: last of a 23-hour day
        datetime(2026, 3, 22, 23, 30, tzinfo=UTC),  # 00:30 local, 23 March
    ]
    assert _numbers_at(queue, office, clock, moments) == ["D001", "D001", "D002", "D003", "D001"]


def test_call_next_and_status_see_only_today(
    queue: QueueService, office: OfficeContext, clock: FakeClock
) -> None:
    clock.moment = datetime(2026, 2, 14, 22, 30, tzinfo=UTC)
    take(queue, office)
    clock.moment = datetime(2026, 2, 14, 23, 30, tzinfo=UTC)
    take(queue, office)
    assert [ticket.office_day for ticket in queue.status().waiting] == [date(2026, 2, 15)]
    called = queue.call_next(office.system, 1)
    assert called is not None and called.ticket.office_day == date(2026, 2, 15)
    assert queue.call_next(office.system, 1) is None
    assert len(queue.close_day(office.system).tickets) == 2  # yesterday's open ticket too
