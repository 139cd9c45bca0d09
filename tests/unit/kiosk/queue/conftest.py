"""Fixtures of the queue tests: a clock the test moves, and the queue of a test office."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kiosk.office import OfficeContext
from kiosk.queue.config import load_config
from kiosk.queue.rules import QueueRules
from kiosk.queue.service import QueueService, TicketRequest
from kiosk.queue.views import TakenTicket

# 10:00 in Taliouine (UTC+1) on an ordinary day.
MORNING = datetime(2026, 5, 12, 9, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    """A clock that stands still until the test moves it."""

    moment: datetime = MORNING

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, minutes: float = 0, seconds: float = 0) -> None:
        """Move the clock forward."""
        self.moment += timedelta(minutes=minutes, seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    """The time of the queue, starting on a weekday morning."""
    return FakeClock()


@pytest.fixture
def queue(office: OfficeContext, clock: FakeClock) -> QueueService:
    """The queue of the test office with the shipped reasons and default rules."""
    return QueueService(office.store, office.office_id, load_config(None), QueueRules(), now=clock)


def take(
    queue: QueueService, office: OfficeContext, reason: str = "health", **options: Any
) -> TakenTicket:
    """Take a ticket as the kiosk would."""
    return queue.take(office.system, TicketRequest(reason=reason, **options))
