"""Ticket numbers: per reason of visit and per office day (``kiosk.clock.office_day``).

A number is the reason's prefix and a running number of at least three digits (``A001`` …
``A999``, ``A1000``); the day is the office's, so numbering restarts at local midnight,
even on the days Morocco moves its clocks.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import String, case, cast, func, literal, select
from sqlalchemy.orm import aliased

from db.models import Ticket

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


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
