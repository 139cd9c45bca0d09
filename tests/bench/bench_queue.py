"""Queue benchmark: call the next ticket with 500 tickets waiting (target p95 ≤ 10 ms)."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime, timedelta

from kiosk.bench import Samples, benchmark
from kiosk.demo import prepare_demo
from kiosk.office import open_office
from kiosk.paths import Paths
from kiosk.queue.service import QueueService, TicketRequest

WAITING = 500
CALLS = 200
REASONS = ("pensions_social_security", "civil_registration", "health", "legal_aid", "other")


class _Clock:
    """A clock that moves ten seconds at each reading: a busy morning, quickly."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 5, 12, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.moment += timedelta(seconds=10)
        return self.moment


@benchmark("call_next")
def call_next() -> Samples:
    """``call_next`` on counter 1 while 500 tickets wait, one in seven with priority."""
    with tempfile.TemporaryDirectory() as folder:
        paths = Paths.resolve(folder)
        prepare_demo(paths)
        context = open_office(paths)
        queue = QueueService.for_office(context, now=_Clock())
        actor = context.system
        for number in range(WAITING + CALLS):
            reason = REASONS[number % len(REASONS)]
            queue.take(actor, TicketRequest(reason=reason, priority=number % 7 == 0))
        timings = []
        for _ in range(CALLS):
            started = time.perf_counter()
            outcome = queue.call_next(actor, counter=1)
            timings.append((time.perf_counter() - started) * 1000)
            assert outcome is not None
        context.close()
    return Samples(timings, {"waiting_at_end": float(WAITING)})
