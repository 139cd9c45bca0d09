"""Deadline arithmetic: on dates, in the office's time zone, never on timestamps.

A deadline is a calendar date: a legal one counts calendar days from a date (a birth), a
due date adds a step's typical days to the day the step before was finished. The day a
moment falls on is taken on the office's clock (``Africa/Casablanca``, whose offset changes
around Ramadan: ``kiosk.clock``), so that a step finished at 00:30 in the office counts on
that day, whatever UTC says; no deadline is ever worked out by adding 24-hour periods to a
time. A deadline's last day is the anchor date plus its days (the day of the birth itself
is not counted): a birth on 31 January must be declared on 2 March at the latest (30 days,
in a year whose February has 28).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from kiosk.clock import office_day


def add_days(day: date, days: int) -> date:
    """The date ``days`` calendar days after ``day``."""
    return day + timedelta(days=days)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` months later; the month's last day when it has no such day
    (31 January + 1 month is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def deadline_day(anchor: date, days: int) -> date:
    """The last day of a deadline of ``days`` days counted from ``anchor`` (not counted)."""
    return add_days(anchor, days)


def days_left(deadline: date, now: datetime) -> int:
    """Whole days from the office's today (at ``now``, timezone-aware) to ``deadline``: 0 on
    its last day, negative once it has passed."""
    return (deadline - office_day(now)).days


def days_between(start: datetime, end: datetime) -> int:
    """Whole calendar days between two moments, each read as its day on the office's clock."""
    return (office_day(end) - office_day(start)).days
