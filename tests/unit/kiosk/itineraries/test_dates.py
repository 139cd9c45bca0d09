"""Deadline arithmetic on dates in the office's time zone: month ends, a leap year, and the
Ramadan clock changes of 2026 and 2027 (Morocco leaves GMT+1 for GMT, then goes back)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from kiosk.itineraries.dates import add_months, days_between, days_left, deadline_day

CASABLANCA = ZoneInfo("Africa/Casablanca")


@pytest.mark.parametrize(
    ("birth", "last_day"),
    [
        (date(2026, 1, 31), date(2026, 3, 2)),  # February of 28 days
        (date(2028, 1, 31), date(2028, 3, 1)),  # a leap year
        (date(2026, 12, 15), date(2027, 1, 14)),  # across the year's end
        (date(2026, 4, 30), date(2026, 5, 30)),
        (date(2026, 2, 10), date(2026, 3, 12)),  # the deadline spans Ramadan's clock changes
    ],
)
def test_the_declaration_deadline_is_30_calendar_days_after_the_birth(
    birth: date, last_day: date
) -> None:
    assert deadline_day(birth, 30) == last_day


def test_a_month_later_is_the_month_s_last_day_when_it_has_no_such_day() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2026, 12, 10), 12) == date(2027, 12, 10)


@pytest.mark.parametrize(
    ("moment", "left"),
    [
        # 2026-02-14 23:30 UTC is already the 15th in the office (GMT+1): one day less
        (datetime(2026, 2, 14, 23, 30, tzinfo=UTC), 5),
        # the clocks went back at 03:00 on the 15th: 23:30 UTC is still the 15th (GMT)
        (datetime(2026, 2, 15, 23, 30, tzinfo=UTC), 5),
        (datetime(2026, 2, 16, 0, 30, tzinfo=UTC), 4),
        # still GMT on the 21st at 23:30 UTC: the 21st in the office
        (datetime(2026, 3, 21, 23, 30, tzinfo=UTC), -29),
        # back to GMT+1 on 2026-03-22 at 02:00 UTC: 23:30 UTC is the 23rd in the office
        (datetime(2026, 3, 22, 23, 30, tzinfo=UTC), -31),
    ],
)
def test_days_left_count_office_days_across_the_2026_ramadan_clock_changes(
    moment: datetime, left: int
) -> None:
    assert days_left(date(2026, 2, 20), moment) == left


def test_the_clock_changes_the_tests_rely_on_are_those_of_the_time_zone_data() -> None:
    hours = {
        moment: moment.astimezone(CASABLANCA).utcoffset()
        for moment in (
            datetime(2026, 2, 14, 12, tzinfo=UTC),
            datetime(2026, 3, 1, 12, tzinfo=UTC),
            datetime(2027, 2, 6, 12, tzinfo=UTC),
            datetime(2027, 2, 20, 12, tzinfo=UTC),
            datetime(2027, 3, 20, 12, tzinfo=UTC),
        )
    }
    assert [offset.total_seconds() / 3600 for offset in hours.values()] == [1, 0, 1, 0, 1]


def test_a_step_done_at_half_past_midnight_in_the_office_counts_on_that_day_in_2027() -> None:
    # 2027-02-06 23:30 UTC is 00:30 on the 7th in the office (GMT+1, before Ramadan's change)
    started = datetime(2027, 2, 1, 9, tzinfo=UTC)
    assert days_between(started, datetime(2027, 2, 6, 23, 30, tzinfo=UTC)) == 6
    # during Ramadan (GMT), 23:30 UTC is the same day in the office
    assert days_between(started, datetime(2027, 2, 10, 23, 30, tzinfo=UTC)) == 9
