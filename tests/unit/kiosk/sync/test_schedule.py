"""The sync schedule: an interval after a success, backoff with full jitter after failures."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kiosk.sync import schedule

NOW = datetime(2026, 11, 29, 21, 0, tzinfo=UTC)


def test_the_ceiling_starts_at_30_seconds_doubles_and_stops_at_one_hour() -> None:
    ceilings = [schedule.backoff_ceiling(n).total_seconds() for n in range(1, 10)]
    assert ceilings == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert schedule.backoff_ceiling(10_000) == timedelta(hours=1)
    assert schedule.backoff_ceiling(0) == timedelta(0)


@given(st.integers(min_value=1, max_value=500), st.integers(min_value=0, max_value=2**32))
def test_a_delay_is_between_one_second_and_the_ceiling(failures: int, seed: int) -> None:
    delay = schedule.backoff_delay(failures, random.Random(seed))
    assert (
        timedelta(seconds=1)
        <= delay
        <= max(schedule.backoff_ceiling(failures), timedelta(seconds=1))
    )


def test_the_jitter_spreads_offices_out() -> None:
    rng = random.Random(7)
    delays = {schedule.backoff_delay(6, rng) for _ in range(50)}
    assert len(delays) == 50
    assert min(delays) < timedelta(minutes=4) < max(delays)


def test_after_a_success_the_next_round_is_one_interval_later() -> None:
    plan = schedule.after_success(NOW, timedelta(minutes=5))
    assert (plan.at, plan.reason) == (NOW + timedelta(minutes=5), "interval")
    assert not plan.due(NOW + timedelta(minutes=4)) and plan.due(NOW + timedelta(minutes=5))


def test_after_a_failure_a_retry_after_is_respected() -> None:
    plan = schedule.after_failure(NOW, 1, retry_after=timedelta(minutes=10), rng=random.Random(1))
    assert plan.at == NOW + timedelta(minutes=10)
    assert plan.reason == "backoff"
    capped = schedule.after_failure(NOW, 1, retry_after=timedelta(days=3), rng=random.Random(1))
    assert capped.at == NOW + timedelta(hours=1)


def test_a_round_never_planned_is_due() -> None:
    assert schedule.is_due(None, NOW)
    assert not schedule.is_due(NOW + timedelta(seconds=1), NOW)
