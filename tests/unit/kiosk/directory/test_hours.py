"""Open now: schedules read in Africa/Casablanca, across midnight and on clock-change days."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from kiosk.directory.hours import is_open, open_now

OFFICE = {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "08:30", "closes_at": "16:30"}
NIGHT = {"freq": "WEEKLY", "byday": "FR,SA", "opens_at": "20:00", "closes_at": "08:00:00"}
EVERY_DAY = {"opens_at": "08:30", "closes_at": "16:30", "timezone_name": "Africa/Casablanca"}


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (_utc(2026, 11, 30, 7, 45), True),  # Monday 08:45 in Casablanca (UTC+1)
        (_utc(2026, 11, 30, 7, 15), False),  # 08:15
        (_utc(2026, 11, 30, 15, 29), True),  # 16:29
        (_utc(2026, 11, 30, 15, 30), False),  # 16:30
        (_utc(2026, 11, 29, 9, 0), False),  # Sunday
    ],
)
def test_office_hours_are_read_in_local_time(instant: datetime, expected: bool) -> None:
    assert is_open(OFFICE, instant) is expected


def test_hours_that_run_past_midnight() -> None:
    assert is_open(NIGHT, _utc(2026, 11, 27, 21, 0))  # Friday 22:00
    assert is_open(NIGHT, _utc(2026, 11, 28, 5, 0))  # Saturday 06:00, from Friday night
    assert is_open(NIGHT, _utc(2026, 11, 29, 5, 0))  # Sunday 06:00, from Saturday night
    assert not is_open(NIGHT, _utc(2026, 11, 30, 5, 0))  # Monday 06:00: no Sunday night
    assert not is_open(NIGHT, _utc(2026, 11, 28, 12, 0))  # Saturday noon


def test_a_day_when_the_clocks_go_back_for_ramadan() -> None:
    # 15 February 2026, 03:00 (UTC+1) becomes 02:00 (UTC+0)
    assert not is_open(EVERY_DAY, _utc(2026, 2, 15, 8, 0))  # 08:00 local, not 09:00
    assert is_open(EVERY_DAY, _utc(2026, 2, 15, 16, 0))  # 16:00 local, not 17:00
    assert is_open(EVERY_DAY, _utc(2026, 2, 14, 7, 45))  # the day before: 08:45 (UTC+1)


def test_a_day_when_the_clocks_go_forward_after_ramadan() -> None:
    # 22 March 2026, 02:00 (UTC+0) becomes 03:00 (UTC+1)
    assert is_open(EVERY_DAY, _utc(2026, 3, 22, 7, 45))  # 08:45 local
    assert not is_open(EVERY_DAY, _utc(2026, 3, 22, 15, 45))  # 16:45 local
    assert not is_open(EVERY_DAY, _utc(2026, 3, 21, 8, 15))  # the day before: 08:15 (UTC+0)


def test_validity_dates_monthly_rules_and_missing_times() -> None:
    dated: dict[str, Any] = {**EVERY_DAY, "valid_from": "2026-12-01", "valid_to": "2026-12-31"}
    assert not is_open(dated, _utc(2026, 11, 30, 9, 0))
    assert is_open(dated, _utc(2026, 12, 1, 9, 0))
    monthly = {**EVERY_DAY, "freq": "MONTHLY", "bymonthday": "1,15"}
    assert is_open(monthly, _utc(2026, 12, 15, 9, 0)) and not is_open(
        monthly, _utc(2026, 12, 16, 9, 0)
    )
    assert not is_open({"description": "on appointment"}, _utc(2026, 12, 1, 9, 0))
    assert open_now([{"description": "x"}, OFFICE], _utc(2026, 11, 30, 9, 0))
