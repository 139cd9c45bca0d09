"""The desk's Printing page drives the real spool: reprint, cancel, mark printed, preview."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pytestqt.qtbot import QtBot

from db.print_spool import PrintJobState
from db.uow import Actor
from kiosk.office import OfficeContext
from printing.documents import printer_test_page
from printing.jobs import spool_for, submit
from printing.printer import PrinterConfig
from printing.spool_views import JobView
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


def _page(
    qtbot: QtBot,
    office: OfficeContext,
    tasks: Tasks,
    actor: Actor,
    language: str = "fr",
) -> SpoolPage:
    state = LanguageState(office.catalog, language)
    page = SpoolPage(office, state, actor, tasks)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    qtbot.waitUntil(lambda: page.jobs is not None)
    return page


def _act(qtbot: QtBot, page: SpoolPage, name: str) -> None:
    page.buttons[name].click()
    qtbot.waitUntil(lambda: not page.busy and not page._tasks.pending)


def test_a_job_that_did_not_print_shows_why_and_is_printed_again(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    off = f"tcp://127.0.0.1:{free_port()}"
    job = _queue(office, off)
    spool = spool_for(office)
    spool.attempt(job.id)  # refused: the printer is off
    page = _page(qtbot, office, tasks, _officer(office))
    assert page.table.rowCount() == 1
    assert page.table.item(0, 3).text() == "En attente"
    assert "ne répond pas" in page.table.item(0, 4).text()
    assert "127.0.0.1" in page.table.item(0, 4).toolTip()
    assert not page.buttons["reprint"].isEnabled()

    page.select_job(job.id)
    assert page.buttons["reprint"].isEnabled() and page.buttons["cancel"].isEnabled()
    qtbot.waitUntil(lambda: not page.preview_label.pixmap().isNull())
    assert page.preview_label.pixmap().width() == 260

    _act(qtbot, page, "reprint")
    assert spool.job(job.id).state is PrintJobState.QUEUED and spool.job(job.id).attempts == 0
    assert "repart" in page.message_label.text()

    # Printed elsewhere (by the worker): the page follows the change notification.
    with loopback_printer() as printer:
        spool.retry(office.system, job.id, printer.uri)
        spool.attempt(job.id)
        printer.wait_for_jobs(1)
    qtbot.waitUntil(lambda: page.table.item(0, 3).text() == "Imprimé")
    assert page.table.item(0, 4).text() == ""
    page.select_job(job.id)
    assert page.buttons["reprint"].isEnabled() and not page.buttons["cancel"].isEnabled()


def test_cancel_and_mark_printed_act_on_the_selected_job(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    spool = spool_for(office)
    with loopback_printer("close", close_after=200) as broken:
        doubtful = _queue(office, broken.uri)
        spool.attempt(doubtful.id)
    waiting = _queue(office, f"tcp://127.0.0.1:{free_port()}")
    page = _page(qtbot, office, tasks, _officer(office), language="ar")
    states = {page.table.item(row, 3).text() for row in range(page.table.rowCount())}
    assert states == {"ربما طُبع", "في الانتظار"}

    page.select_job(doubtful.id)
    assert "تحقق" in page.table.item(page.table.currentRow(), 4).text()
    _act(qtbot, page, "mark_printed")
    assert spool.job(doubtful.id).state is PrintJobState.PRINTED

    page.select_job(waiting.id)
    _act(qtbot, page, "cancel")
    assert spool.job(waiting.id).state is PrintJobState.CANCELLED
    assert spool.due() == []


def test_a_long_printer_address_keeps_its_row_one_line_tall(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, tmp_path: Path
) -> None:
    address = f"image:{tmp_path}/a/folder/with/a/long/name/for/the/demo-printer"
    _queue(office, address)
    page = _page(qtbot, office, tasks, _officer(office))
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)
    cell = page.table.item(0, 2)
    assert cell.toolTip() == address  # the whole address, on hovering
    line = page.table.fontMetrics().height()
    assert page.table.rowHeight(0) < 3 * line  # not five lines of address
