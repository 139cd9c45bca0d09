"""The desk's Reports page: the queue statistics of a chosen day, as kiosk/queue/stats has them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from db.models import Role
from kiosk.office import OfficeContext
from kiosk.queue.service import QueueService, TicketRequest
from kiosk.queue.stats import day_statistics
from ui.desk import DeskWindow
from ui.desk_reports import COLUMNS, ReportsPage, figure_cells
from ui.language import LanguageState
from ui.tasks import Tasks

from .conftest import OFFICER, LogIn

DAY = date(2026, 11, 20)


class Clock:
    """A clock the test moves forward."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


def _a_busy_day(office: OfficeContext) -> None:
    """Tickets in several states at both counters, with known waits."""
    office.settings.set(office.system, "queue.max_calls", "1")
    clock = Clock()
    queue = QueueService.for_office(office, now=clock)
    actor = office.system
    for reason in ("health", "health", "legal_aid", "other", "civil_registration", "health"):
        queue.take(actor, TicketRequest(reason=reason))
        clock.advance(1)
    clock.advance(2)
    for counter in (1, 2, 1):  # D001 at 1, H001 at 2 (counter 2 serves legal aid first)
        outcome = queue.call_next(actor, counter)
        assert outcome is not None
        clock.advance(2)
        queue.start(actor, outcome.ticket.number)
        clock.advance(10)
        queue.done(actor, outcome.ticket.number)
    called = queue.call_next(actor, 2)
    assert called is not None
    queue.no_show(actor, called.ticket.number)
    queue.cancel(actor, "D003")
    clock.advance(30)
    queue.call_next(actor, 1)  # called, still open


def _page(qtbot: QtBot, office: OfficeContext, tasks: Tasks, language: str = "fr") -> ReportsPage:
    page = ReportsPage(office, LanguageState(office.catalog, language), office.system, tasks)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitUntil(lambda: page.statistics is not None)
    return page


def _row(page: ReportsPage, view: str, row: int) -> list[str]:
    table = page.tables[view]
    return [table.item(row, column).text() for column in range(len(COLUMNS))]


def test_the_figures_are_those_of_the_statistics_core(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    _a_busy_day(office)
    page = _page(qtbot, office, tasks)
    page.date_edit.setDate(QDate(DAY.year, DAY.month, DAY.day))
    qtbot.waitUntil(lambda: page.statistics is not None and page.statistics.day == DAY)
    qtbot.waitUntil(lambda: not page._tasks.pending)

    expected = day_statistics(office.store, office.office_id, DAY, page.config)
    assert expected.overall.tickets == 6
    assert (expected.overall.served, expected.overall.no_show) == (3, 1)
    assert expected.overall.cancelled == 1
    tr = office.catalog.translator("fr")
    assert _row(page, "overall", 0) == figure_cells(tr, expected.overall)
    reasons = page.tables["by_reason"]
    assert reasons.rowCount() == len(expected.by_reason)
    labels = {r.key: r.labels["fr"] for r in page.config.reasons}
    for row, (key, figures) in enumerate(expected.by_reason.items()):
        assert reasons.verticalHeaderItem(row).text() == labels[key]
        assert _row(page, "by_reason", row) == figure_cells(tr, figures)
    counters = page.tables["by_counter"]
    assert [counters.verticalHeaderItem(r).text() for r in range(2)] == ["Guichet 1", "Guichet 2"]
    for row, number in enumerate((1, 2)):
        assert _row(page, "by_counter", row) == figure_cells(tr, expected.by_counter[number])
    overall = _row(page, "overall", 0)
    assert overall[:4] == ["6", "3", "1", "1"]
    assert overall[4:] == ["33.6 min", "70.0 min", "10.0 min", "33 %"]  # D001: 8 min, target 10


def test_arabic_mirrors_the_page_and_an_empty_day_says_so(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    page = _page(qtbot, office, tasks, language="ar")
    assert page.title_label.text() == "التقارير"
    assert page.message_label.text() == "لا توجد تذاكر في هذا اليوم."
    assert page.tables["overall"].horizontalHeaderItem(0).text() == "التذاكر"


def test_officers_do_not_see_reports_and_the_core_refuses_them(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, desk: DeskWindow, log_in: LogIn
) -> None:
    log_in(desk, *OFFICER)
    assert desk.main_page is not None and "reports" not in desk.main_page.sections
    officer = office.accounts.login(*OFFICER)[0]
    assert officer.role == Role.OFFICER
    page = ReportsPage(office, LanguageState(office.catalog, "fr"), officer, tasks)
    qtbot.addWidget(page)
    page.show()  # a page reads when it is first shown
    qtbot.waitUntil(lambda: page.message_label.text() != "")
    assert page.message_label.text() == office.catalog.text("fr", "error.permission_denied")
    assert page.statistics is None
