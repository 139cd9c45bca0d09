"""The office's clock: times are stored in UTC and read in the office's zone.

Morocco moves its clocks around Ramadan, so an office day, a month of statistics or a time
shown on a screen or a slip is always computed with the rules of ``Africa/Casablanca``,
never with a fixed offset.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

OFFICE_ZONE = ZoneInfo("Africa/Casablanca")


def office_day(moment: datetime, zone: ZoneInfo = OFFICE_ZONE) -> date:
    """The office day of ``moment`` (timezone-aware): its date on the office's clock."""
    if moment.tzinfo is None:
        raise ValueError("office_day needs a timezone-aware time")
    return moment.astimezone(zone).date()


def office_today() -> date:
    """Today on the office's clock."""
    return office_day(datetime.now(UTC))


def office_moment(moment: datetime) -> datetime:
    """``moment`` (naive means UTC, as stored) on the office's clock."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(OFFICE_ZONE)


def office_time(moment: datetime, pattern: str = "%d/%m/%Y %H:%M") -> str:
    """``moment`` (naive means UTC, as stored) written on the office's clock."""
    return office_moment(moment).strftime(pattern)
