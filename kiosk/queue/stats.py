"""Queue statistics of one office day: overall, per reason of visit and per counter.

Counts: tickets, served (done), no-show, cancelled, closed at the end of the day, and still
open; they always add up to the number of tickets. Times in minutes: the wait from taking
the ticket to its first call, the service from its start to its end, and the share of the
served tickets whose wait stayed within their reason's target.
"""

from __future__ import annotations

import math
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from db.models import Ticket, TicketState
from db.store import Store
from kiosk.queue.config import QueueConfig
from kiosk.queue.states import OPEN_STATES


@dataclass(frozen=True)
class _Row:
    reason: str
    counter: int | None
    state: TicketState
    arrived_at: datetime
    first_called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (``share`` 0.9 for p90); ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds() / 60


@dataclass(frozen=True)
class Figures:
    """The figures of a set of tickets."""

    tickets: int
    served: int
    no_show: int
    cancelled: int
    closed: int
    open: int
    average_wait_min: float | None
    p90_wait_min: float | None
    average_service_min: float | None
    p90_service_min: float | None
    served_within_target: float | None

    @classmethod
    def of(cls, rows: Sequence[_Row], targets: dict[str, int]) -> Figures:
        """The figures of ``rows``; ``targets`` gives each reason's target wait."""
        states = [row.state for row in rows]
        waits = [
            wait
            for row in rows
            if (wait := _minutes(row.arrived_at, row.first_called_at)) is not None
        ]
        services = [
            minutes
            for row in rows
            if row.state is TicketState.DONE
            and (minutes := _minutes(row.started_at, row.finished_at)) is not None
        ]
        served = [row for row in rows if row.state is TicketState.DONE]
        within = [
            row
            for row in served
            if (wait := _minutes(row.arrived_at, row.first_called_at)) is not None
            and wait <= targets.get(row.reason, 0)
        ]
        return cls(
            tickets=len(rows),
            served=len(served),
            no_show=states.count(TicketState.NO_SHOW),
            cancelled=states.count(TicketState.CANCELLED),
            closed=states.count(TicketState.CLOSED),
            open=sum(1 for state in states if state in OPEN_STATES),
            average_wait_min=_rounded(sum(waits) / len(waits) if waits else None),
            p90_wait_min=_rounded(percentile(waits, 0.9)),
            average_service_min=_rounded(sum(services) / len(services) if services else None),
            p90_service_min=_rounded(percentile(services, 0.9)),
            served_within_target=_rounded(len(within) / len(served) if served else None, 3),
        )

    def as_json(self) -> dict[str, Any]:
        """The figures as ``baom queue stats --json`` prints them."""
        return dict(vars(self))


def _rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


@dataclass(frozen=True)
class DayStatistics:
    """The queue figures of one office day."""

    day: date
    overall: Figures
    by_reason: dict[str, Figures]
    by_counter: dict[int, Figures]

    def as_json(self) -> dict[str, Any]:
        """The answer of ``baom queue stats --json``."""
        return {
            "day": self.day.isoformat(),
            "overall": self.overall.as_json(),
            "by_reason": {key: figures.as_json() for key, figures in self.by_reason.items()},
            "by_counter": {
                str(number): figures.as_json() for number, figures in self.by_counter.items()
            },
        }


def day_statistics(
    store: Store, office_id: uuid.UUID, day: date, config: QueueConfig
) -> DayStatistics:
    """The statistics of the tickets of ``day`` (each counted under its last reason)."""
    with store.session() as session:
        rows = [
            _Row(*row)
            for row in session.execute(
                select(
                    Ticket.reason_key,
                    Ticket.counter,
                    Ticket.state,
                    Ticket.arrived_at,
                    Ticket.first_called_at,
                    Ticket.started_at,
                    Ticket.finished_at,
                ).where(Ticket.office_id == office_id, Ticket.office_day == day)
            )
        ]
    targets = {reason.key: reason.target_wait_min for reason in config.reasons}
    return DayStatistics(
        day=day,
        overall=Figures.of(rows, targets),
        by_reason={
            key: Figures.of(group, targets)
            for key, group in _grouped(rows, lambda row: row.reason).items()
        },
        by_counter={
            number: Figures.of(group, targets)
            for number, group in _grouped(rows, lambda row: row.counter).items()
            if number is not None
        },
    )


def _grouped(rows: Iterable[_Row], key: Callable[[_Row], Any]) -> dict[Any, list[_Row]]:
    groups: dict[Any, list[_Row]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return dict(sorted(groups.items(), key=lambda item: str(item[0])))
