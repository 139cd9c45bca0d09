"""The desk's Printing page prints a job again on another printer, as ``baom print retry
JOB --printer URI`` does: chosen among the printers used lately, or typed as a URI."""

from __future__ import annotations

from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from db.print_spool import PrintJobState
from db.uow import Actor
from kiosk.office import OfficeContext
from printing.documents import printer_test_page
from printing.jobs import spool_for, submit
from printing.printer import PrinterConfig
from printing.spool_views import JobView
from tests.helpers.escpos import decode
from tests.helpers.printers import free_port, loopback_printer
from ui.desk_spool import SpoolPage
from ui.language import LanguageState
from ui.tasks import Tasks

from .conftest import OFFICER


def _officer(office: OfficeContext) -> Actor:
    return office.accounts.login(*OFFICER)[0]


def _queue(office: OfficeContext, uri: str) -> JobView:
    printer = PrinterConfig.from_settings(office.settings, uri)
    page = printer_test_page(
        uri, printer.width, printer.profile, datetime(2026, 11, 29, tzinfo=UTC)
    )
    return submit(office, page, "test", printer)


def _page(qtbot: QtBot, office: OfficeContext, tasks: Tasks, language: str = "fr") -> SpoolPage:
    page = SpoolPage(office, LanguageState(office.catalog, language), _officer(office), tasks)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    qtbot.waitUntil(lambda: page.jobs is not None)
    return page


def _reprint(qtbot: QtBot, page: SpoolPage) -> None:
    page.buttons["reprint"].click()
    qtbot.waitUntil(lambda: not page.busy and not page._tasks.pending)


def test_a_job_for_a_printer_that_is_off_prints_on_another_one(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    off = f"tcp://127.0.0.1:{free_port()}"
    spool = spool_for(office)
    job = _queue(office, off)
    spool.attempt(job.id)  # refused: the printer is off
    with loopback_printer() as other:
        used = _queue(office, other.uri)  # a printer used lately
        spool.attempt(used.id)
        other.wait_for_jobs(1)
        page = _page(qtbot, office, tasks)
        assert other.uri in page.recent_printers and off in page.recent_printers

        page.select_job(job.id)
        assert page.printer_box.currentText() == off  # the job's own printer to begin with
        page.printer_box.setCurrentIndex(page.printer_box.findText(other.uri))
        _reprint(qtbot, page)
        moved = spool.job(job.id)
        assert moved.printer == other.uri and moved.state is PrintJobState.QUEUED
        assert "repart" in page.message_label.text()
        assert spool.attempt(job.id) is not None  # what the printer worker does
        received = other.wait_for_jobs(2)
    assert spool.job(job.id).state is PrintJobState.PRINTED
    assert len(received) == 2 and decode(received[1]).cut


def test_a_typed_printer_is_used_and_a_wrong_one_is_refused_in_plain_words(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    job = _queue(office, f"tcp://127.0.0.1:{free_port()}")
    page = _page(qtbot, office, tasks)
    page.select_job(job.id)
    page.printer_box.setEditText("lpt1")
    _reprint(qtbot, page)
    assert "Refusé" in page.message_label.text() and "'lpt1'" in page.message_label.text()
    assert spool_for(office).job(job.id).printer == job.printer  # nothing changed

    typed = f"tcp://127.0.0.1:{free_port()}"
    page.select_job(job.id)
    page.printer_box.setEditText(typed)
    _reprint(qtbot, page)
    assert spool_for(office).job(job.id).printer == typed
    qtbot.waitUntil(lambda: typed in page.recent_printers)


def test_reprinting_on_the_same_printer_keeps_it(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    job = _queue(office, f"tcp://127.0.0.1:{free_port()}")
    page = _page(qtbot, office, tasks, language="ar")
    page.select_job(job.id)
    assert page.printer_label.text() == "الطابعة"
    _reprint(qtbot, page)
    assert spool_for(office).job(job.id).printer == job.printer
