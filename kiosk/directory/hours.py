"""Opening hours: is a service open at an instant, its schedules read in their time zone.

A schedule is a weekly (``byday``) or monthly (``bymonthday``) rule with ``opens_at`` and
``closes_at`` in local time, valid between ``valid_from`` and ``valid_to``. Hours that
close before they open run past midnight (a night shift 20:00-08:00). Local time comes
from the zone's rules (``Africa/Casablanca`` moves its clocks around Ramadan).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.directory.profile import TIME_ZONE

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _time(text: str) -> time:
    return time.fromisoformat(text if text.count(":") == 2 else f"{text}:00")


def _on(day: date, schedule: Mapping[str, Any]) -> bool:
    """Whether the rule of ``schedule`` includes ``day``."""
    for bound, after in (("valid_from", False), ("valid_to", True)):
        text = schedule.get(bound)
        if text:
            try:
                limit = date.fromisoformat(str(text)[:10])
            except ValueError:
                continue
            if (day > limit) if after else (day < limit):
                return False
    if schedule.get("freq") == "MONTHLY" and schedule.get("bymonthday"):
        days = {int(part) for part in str(schedule["bymonthday"]).split(",") if part.strip()}
        return day.day in days
    byday = schedule.get("byday")
    if not byday:
        return True
    wanted = {part.strip()[-2:].upper() for part in str(byday).split(",")}
    return _DAYS[day.weekday()] in wanted


def is_open(schedule: Mapping[str, Any], instant: datetime) -> bool:
    """Whether ``schedule`` is open at ``instant`` (an aware datetime)."""
    if not schedule.get("opens_at") or not schedule.get("closes_at"):
        return False
    local = instant.astimezone(ZoneInfo(schedule.get("timezone_name") or TIME_ZONE))
    opens, closes = _time(schedule["opens_at"]), _time(schedule["closes_at"])
    now, today = local.time().replace(tzinfo=None), local.date()
    if opens < closes:
        return _on(today, schedule) and opens <= now < closes
    # past midnight: open from opens_at today, or until closes_at after yesterday's opening
    return (_on(today, schedule) and now >= opens) or (
        _on(today - timedelta(days=1), schedule) and now < closes
    )


def open_now(schedules: Iterable[Mapping[str, Any]], instant: datetime) -> bool:
    """Whether any of ``schedules`` is open at ``instant``."""
    return any(is_open(schedule, instant) for schedule in schedules)
