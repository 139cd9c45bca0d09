"""When the next sync round is due: pure functions, no clock and no database.

After a successful round the next one comes ``sync.interval_minutes`` later (5 by default).
After a failed round the office backs off exponentially with full jitter: the ceiling
starts at 30 seconds and doubles at each consecutive failure up to one hour, and the delay
is drawn uniformly below it (never under one second), so that offices coming back after a
server outage do not all knock at once. Retries never stop. A server that says when to
come back (``Retry-After``) is not asked earlier. "Sync now" ignores all of this.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
MINIMUM_DELAY = timedelta(seconds=1)
DEFAULT_INTERVAL = timedelta(minutes=5)


def backoff_ceiling(failures: int) -> timedelta:
    """The longest wait after ``failures`` consecutive failures (30 s, 60 s, … up to 1 h)."""
    if failures <= 0:
        return timedelta(0)
    doublings = min(failures - 1, 20)  # 30 s · 2**20 is far above the cap already
    ceiling: timedelta = min(BACKOFF_CAP, BACKOFF_BASE * 2**doublings)
    return ceiling


def backoff_delay(failures: int, rng: random.Random | None = None) -> timedelta:
    """The wait before retrying after ``failures`` consecutive failures (full jitter)."""
    ceiling = backoff_ceiling(failures).total_seconds()
    drawn = (rng or random).uniform(0, ceiling)
    return max(MINIMUM_DELAY, timedelta(seconds=drawn))


@dataclass(frozen=True)
class Plan:
    """When the next round is due, and why."""

    at: datetime
    reason: str  # "interval" after a success, "backoff" after a failure

    def due(self, now: datetime) -> bool:
        """Whether the round should run at ``now``."""
        return now >= self.at


def after_success(now: datetime, interval: timedelta = DEFAULT_INTERVAL) -> Plan:
    """The next round after a successful one: one interval later."""
    return Plan(now + max(interval, MINIMUM_DELAY), "interval")


def after_failure(
    now: datetime,
    failures: int,
    retry_after: timedelta | None = None,
    rng: random.Random | None = None,
) -> Plan:
    """The next round after the ``failures``-th consecutive failure (at least ``retry_after``)."""
    delay = backoff_delay(failures, rng)
    if retry_after is not None:
        delay = max(delay, min(retry_after, BACKOFF_CAP))
    return Plan(now + delay, "backoff")


def is_due(next_attempt_at: datetime | None, now: datetime) -> bool:
    """Whether a round planned for ``next_attempt_at`` (``None``: never planned) is due."""
    return next_attempt_at is None or now >= next_attempt_at
