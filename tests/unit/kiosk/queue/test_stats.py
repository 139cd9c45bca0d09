"""Statistics of one day: counts, waits, service times and the share within target."""

from __future__ import annotations

from datetime import date

from kiosk.office import OfficeContext
from kiosk.queue.service import QueueService
from kiosk.queue.stats import day_statistics, percentile
from tests.unit.kiosk.queue.conftest import FakeClock, take


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 0.9) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9.0
    assert percentile([float(n) for n in range(1, 21)], 0.9) == 18.0


def _serve(
    queue: QueueService,
    office: OfficeContext,
    clock: FakeClock,
    number: str,
    wait: int,
    service: int,
) -> None:
    """Call ``number`` at counter 1 after ``wait`` more minutes and serve it for ``service``."""
    clock.advance(minutes=wait)
    queue.call(office.system, number, counter=1)
    queue.start(office.system, number)
    clock.advance(minutes=service)
    queue.done(office.system, number)


def test_a_scripted_day(queue: QueueService, office: OfficeContext, clock: FakeClock) -> None:
    for _ in range(4):
        take(queue, office, "health")  # target 10 minutes, counter 1
    take(queue, office, "pensions_social_security")  # A001, target 15
    take(queue, office, "pensions_social_security")  # A002
    _serve(queue, office, clock, "D001", wait=5, service=10)  # waited 5
    _serve(queue, office, clock, "D002", wait=0, service=6)  # waited 15
    queue.cancel(office.system, "D003")
    queue.call(office.system, "D004", counter=1)  # waited 21
    queue.recall(office.system, "D004")
    queue.recall(office.system, "D004")
    queue.no_show(office.system, "D004")
    queue.call(office.system, "A001", counter=2)
    queue.start(office.system, "A001")
    clock.advance(minutes=8)
    queue.done(office.system, "A001")  # A001: waited 21, served 8

    figures = day_statistics(office.store, office.office_id, date(2026, 5, 12), queue.config)
    overall = figures.overall
    assert (overall.tickets, overall.served, overall.no_show, overall.cancelled) == (6, 3, 1, 1)
    assert (overall.closed, overall.open) == (0, 1)
    assert overall.average_wait_min == round((5 + 15 + 21 + 21) / 4, 1)
    assert overall.p90_wait_min == 21
    assert overall.average_service_min == 8.0
    assert overall.p90_service_min == 10.0
    assert overall.served_within_target == round(1 / 3, 3)  # only D001 (5 ≤ 10)

    health = figures.by_reason["health"]
    assert (health.tickets, health.served, health.served_within_target) == (4, 2, 0.5)
    pensions = figures.by_reason["pensions_social_security"]
    assert (pensions.tickets, pensions.open, pensions.served_within_target) == (2, 1, 0.0)
    assert figures.by_counter[1].tickets == 3 and figures.by_counter[2].served == 1
    assert figures.as_json()["by_counter"]["2"]["served"] == 1


def test_a_day_without_tickets_has_zero_counts_and_no_times(
    queue: QueueService, office: OfficeContext
) -> None:
    figures = day_statistics(office.store, office.office_id, date(2026, 1, 1), queue.config)
    assert figures.overall.tickets == 0
    assert figures.overall.average_wait_min is None
    assert figures.by_reason == {} and figures.by_counter == {}
