"""The application's print spool worker: jobs left queued print once the printer is back."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot

from db.print_spool import PrintJobState
from kiosk.office import OfficeContext
from printing.documents import printer_test_page
from printing.jobs import spool_for, submit
from printing.printer import PrinterConfig
from printing.spool_views import JobView
from tests.helpers.escpos import decode
from tests.helpers.printers import LoopbackPrinter, free_port, loopback_printer
from ui.app import DeferredSpoolWorker, start_spool_worker
from ui.tasks import Tasks


def _queue_test_page(office: OfficeContext, uri: str) -> JobView:
    printer = PrinterConfig.from_settings(office.settings, uri)
    page = printer_test_page(
        uri, printer.width, printer.profile, datetime(2026, 11, 29, tzinfo=UTC)
    )
    return submit(office, page, "test", printer)


def _state(office: OfficeContext, job_id: uuid.UUID) -> PrintJobState:
    return spool_for(office).job(job_id).state


@pytest.mark.slow  # waits out the spool worker's first retry: about 2.5 s
def test_a_job_left_queued_prints_once_when_the_printer_comes_back(
    qtbot: QtBot, office: OfficeContext
) -> None:
    port = free_port()
    # Queued while the application was closed, and the printer is still off at start-up.
    job = _queue_test_page(office, f"tcp://127.0.0.1:{port}")
    worker = start_spool_worker(office)
    printer: LoopbackPrinter | None = None
    try:

        def failed_once() -> bool:  # attempts count from the claim: wait for the failure too
            seen = spool_for(office).job(job.id)
            return seen.attempts >= 1 and seen.state is PrintJobState.QUEUED

        qtbot.waitUntil(failed_once, timeout=5000)
        left = spool_for(office).job(job.id)
        assert left.state is PrintJobState.QUEUED and "127.0.0.1" in left.error
        printer = LoopbackPrinter(port=port)  # switched on again
        # The retries back off (2 s, 4 s, 8 s…): on a busy machine two may fail before this.
        qtbot.waitUntil(lambda: _state(office, job.id) is PrintJobState.PRINTED, timeout=20_000)
        time.sleep(0.3)  # would a second copy follow?
        received = printer.wait_for_jobs(1)
    finally:
        worker.stop(3)
        if printer is not None:
            printer.close()
    assert len(received) == 1 and printer.connections == 1
    assert decode(received[0]).cut


def test_a_submitted_job_wakes_the_worker(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    with loopback_printer() as printer:
        worker = start_spool_worker(office, tasks)
        try:
            worker.poll_s = 30.0  # only the change notification can wake it in time
            qtbot.wait(100)
            job = _queue_test_page(office, printer.uri)
            qtbot.waitUntil(lambda: _state(office, job.id) is PrintJobState.PRINTED, timeout=3000)
        finally:
            worker.stop(3)
        assert len(printer.wait_for_jobs(1)) == 1


def test_the_windows_start_the_worker_after_the_first_paint(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DeferredSpoolWorker, "START_DELAY_MS", 50)
    with loopback_printer() as printer:
        job = _queue_test_page(office, printer.uri)
        deferred = DeferredSpoolWorker(office, tasks)
        try:
            assert _state(office, job.id) is PrintJobState.QUEUED  # nothing before the delay
            qtbot.waitUntil(lambda: _state(office, job.id) is PrintJobState.PRINTED, timeout=5000)
        finally:
            deferred.stop(3)
        assert len(printer.wait_for_jobs(1)) == 1
