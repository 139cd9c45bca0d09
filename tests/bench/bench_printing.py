"""Printing benchmarks: a bilingual slip and a queue ticket, from content to ESC/POS bytes.

Targets: ``slip_render`` (Arabic and French at 576 dots) p95 ≤ 80 ms, ``ticket_render``
p95 ≤ 30 ms. Each run builds the layout, draws and thresholds it, and makes the bytes.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from kiosk.bench import Samples, benchmark
from kiosk.queue.config import load_config
from printing.demo import demo_data, demo_slip
from printing.documents import TicketContent, ticket_document
from printing.jobs import render
from printing.printer import PrinterConfig
from printing.qtenv import ensure_qt
from printing.slip import slip_document

RUNS = 200
WARM_UP = 5
PRINTER = PrinterConfig("tcp://127.0.0.1", profile="TM-T20II")
AT = datetime(2026, 11, 29, 13, 5, tzinfo=UTC)


@benchmark("slip_render")
def slip_render() -> Samples:
    """Layout, raster and ESC/POS bytes of a bilingual Arabic/French slip at 576 dots."""
    ensure_qt()
    config = load_config()
    slip = demo_slip(
        "BAOM Taliouine",
        "Taliouine",
        AT,
        config.counters[0].labels,
        config.reason(demo_data().need).labels,
    )
    timings, sizes = [], []
    for run in range(WARM_UP + RUNS):
        started = time.perf_counter()
        rendered = render(slip_document(slip, "ar"), PRINTER)
        elapsed = (time.perf_counter() - started) * 1000
        assert rendered.raster.width == 576
        if run >= WARM_UP:
            timings.append(elapsed)
            sizes.append(rendered.size)
    return Samples(timings, {"bytes_per_slip": float(max(sizes))})


@benchmark("ticket_render")
def ticket_render() -> Samples:
    """Layout, raster and ESC/POS bytes of a queue ticket (Arabic and French) at 576 dots."""
    ensure_qt()
    reason = load_config().reason("civil_registration").labels
    timings = []
    for run in range(WARM_UP + RUNS):
        ticket = TicketContent("BAOM Taliouine", f"B{run % 1000:03d}", reason, "ar", AT, run % 9)
        started = time.perf_counter()
        rendered = render(ticket_document(ticket), PRINTER)
        elapsed = (time.perf_counter() - started) * 1000
        assert rendered.size > 0
        if run >= WARM_UP:
            timings.append(elapsed)
    return Samples(timings)
