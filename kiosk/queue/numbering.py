"""The office day and ticket numbers: days are counted in Africa/Casablanca, not in UTC.

Morocco moves its clocks back for Ramadan and forward after it, so a local day may last
23 or 25 hours; the day is always taken from the zone database, never from a fixed offset.
Ticket numbers run per reason of visit and per office day: the reason's prefix and a
running number of at least three digits (``A001`` … ``A999``, ``A1000``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, case, cast, func, literal, select
from sqlalchemy.orm import aliased

from db.models import Ticket

OFFICE_ZONE = ZoneInfo("Africa/Casablanca")

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def office_day(moment: datetime, zone: ZoneInfo = OFFICE_ZONE) -> date:
    """The office day of ``moment`` (timezone-aware): its date on the office's clock."""
    if moment.tzinfo is None:
        raise ValueError("office_day needs a timezone-aware time")
    return moment.astimezone(zone).date()


def next_number_columns(
    office_id: uuid.UUID, day: date, reason: str, prefix: str
) -> tuple[Any, Any]:
    """SQL for the next sequence of ``reason`` on ``day`` and its printed number.

    Both are computed inside the INSERT itself, which holds the database's write lock, so
    two kiosks (two processes) taking a ticket at the same instant never draw the same one.
    """
    earlier = aliased(Ticket)
    sequence = (
        select(func.coalesce(func.max(earlier.sequence), 0) + 1)
        .where(
            earlier.office_id == office_id,
            earlier.office_day == day,
            earlier.issued_reason == reason,
        )
        .scalar_subquery()
    )
    digits = cast(sequence, String)
    padding = case((sequence < 10, "00"), (sequence < 100, "0"), else_="")
    return sequence, literal(prefix) + padding + digits
