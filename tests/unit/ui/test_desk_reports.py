"""The desk's Reports page: a period's figures as ``kiosk.reports.period`` has them, charts,
the audited lists behind the figures, and the monthly report.

Set ``BAOM_SHOTS_DIR`` to keep screenshots of the page in French and Arabic.
"""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.models import AuditEntry, Role
from db.uow import Actor
from kiosk.audit import REPORT_LIST
from kiosk.clock import office_today
from kiosk.office import OfficeContext
from kiosk.reports.period import PeriodReport, period_report
from tests.helpers.activity import known_month
from ui.desk import DeskWindow
from ui.desk_reports import (
    HEADLINES,
    MonthlyReportDialog,
    ReportsPage,
    headline_value,
    period_of,
    shown,
)
from ui.language import LanguageState
from ui.tasks import Tasks

from .conftest import OFFICER, LogIn

SUPERVISOR = ("hassan", "long-password-1")
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def _supervisor(office: OfficeContext) -> Actor:
    office.accounts.add(office.system, SUPERVISOR[0], Role.SUPERVISOR, SUPERVISOR[1])
    return office.accounts.login(*SUPERVISOR)[0]


def _page(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, actor: Actor, language: str = "fr"
) -> ReportsPage:
    state = LanguageState(office.catalog, language)
    page = ReportsPage(office, state, actor, tasks)
    page.setLayoutDirection(state.direction)  # as the desk window does
    qtbot.addWidget(page)
    page.resize(1040, 760)
    page.show()
    return page


def _november(qtbot: QtBot, page: ReportsPage) -> PeriodReport:
    """Choose November 2026 (a month) and wait for its figures."""
    page.start_edit.setDate(QDate(2026, 11, 17))
    qtbot.waitUntil(lambda: page.report is not None and page.report.start == NOVEMBER[0])
    qtbot.waitUntil(lambda: page._tasks.pending == 0)
    assert page.report is not None
    return page.report


def _shoot(page: QWidget, name: str) -> None:
    folder = os.environ.get("BAOM_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        QApplication.processEvents()
        assert page.grab().save(str(Path(folder) / f"{name}.png"))


def _bars(page: ReportsPage, table: str) -> dict[str, float]:
    chart = page.charts[table]
    bars = chart.chart().series()[0].barSets()[0]
    return {key: bars.at(index) for index, key in enumerate(chart.keys)}


def test_the_page_shows_the_figures_of_the_period_core(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    known_month(office.store, office.office_id)
    page = _page(qtbot, office, tasks, _supervisor(office))
    assert page.period_box.currentData() == "month"  # this month, by default
    qtbot.waitUntil(lambda: page.report is not None)
    report = _november(qtbot, page)

    expected = period_report(office, *NOVEMBER, now=report.made_at)
    assert report == expected
    assert page.tiles["visits"].value_label.text() == "13"
    assert page.tiles["within_target"].value_label.text() == "67 %"
    assert page.tiles["wait_median"].value_label.text() == "10,0"
    for headline in HEADLINES:
        value = shown(headline_value(expected, headline.key), headline.kind, "fr")
        assert page.tiles[headline.key].value_label.text() == value, headline.key
    assert page.tiles["visits"].caption_label.text() == "Visites"
    assert _bars(page, "visitors_by_sex") == {"f": 3, "m": 8}
    assert _bars(page, "referrals_by_state") == dict(expected.referrals.by_state)
    assert list(page.charts["visitors_by_nationality"].keys)[-1] == "CI"  # the largest on top
    assert page.charts["needs"].chart().title() == "Besoins exprimés"
    assert page.span_label.text() == "Du \u206801/11/2026\u2069 au \u206830/11/2026\u2069"
    assert not page.message_label.isVisible()  # November is over: not provisional
    assert page.map_frame.title() == "Carte de la province"
    _shoot(page, "reports_fr")


def test_arabic_mirrors_the_page_and_its_charts(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    known_month(office.store, office.office_id)
    page = _page(qtbot, office, tasks, _supervisor(office), language="ar")
    _november(qtbot, page)
    assert page.title_label.text() == "التقارير"
    assert page.tiles["visits"].caption_label.text() == "الزيارات"
    assert page.isRightToLeft()
    chart = page.charts["visitors_by_sex"].chart()
    labels = chart.axes(Qt.Orientation.Vertical)[0]
    values = chart.axes(Qt.Orientation.Horizontal)[0]
    assert labels.alignment() == Qt.AlignmentFlag.AlignRight  # the words on the right
    assert values.isReverse()  # the bars grow to the left
    assert set(labels.categories()) == {"رجل", "امرأة"}
    _shoot(page, "reports_ar")
    page.charts["referrals_by_state"].click("sent")
    dialog = page.list_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.listed is not None)
    assert dialog.isRightToLeft()
    assert dialog.table.horizontalHeaderItem(0).text() == "الملف"
    assert [dialog.table.item(r, 2).text() for r in range(2)] == ["تم التسليم", "تم التسليم"]
    _shoot(dialog, "reports_list_ar")


def test_a_bar_and_a_figure_open_the_audited_list_behind_them(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    known_month(office.store, office.office_id)
    page = _page(qtbot, office, tasks, _supervisor(office))
    report = _november(qtbot, page)

    page.charts["visitors_by_category"].click("rpt")
    dialog = page.list_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.listed is not None)
    assert dialog.table.rowCount() == report.visitors_by_category["rpt"] == 8
    assert dialog.windowTitle() == "Visiteurs par catégorie — Ressortissant(e) d'un pays tiers"
    codes = {dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())}
    assert "\u2068C-000003\u2069" in codes

    qtbot.mouseClick(page.tiles["follow_ups_overdue"], Qt.MouseButton.LeftButton)
    dialog = page.list_dialog
    qtbot.waitUntil(lambda: dialog.listed is not None)
    assert dialog.table.rowCount() == report.follow_ups_overdue == 3
    assert [dialog.table.item(0, c).text() for c in range(3)] == [
        "\u2068C-000008\u2069",
        "\u206830/11/2026\u2069",
        "ouvert",
    ]
    qtbot.waitUntil(lambda: page._tasks.pending == 0)
    with office.store.session() as session:  # the test's own read, not the page's
        details = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == REPORT_LIST)
        ).all()
    assert [detail.split(" rows=")[1] for detail in details] == ["8", "3"]
    assert details[1].startswith("figure=follow_ups_overdue key= from=2026-11-01")

    with qtbot.waitSignal(page.case_requested) as opened:
        dialog.on_double_clicked(0, 0)
    assert opened.args == [str(dialog.listed.rows[0].case_id)]


def test_a_queue_figure_has_no_list(qtbot: QtBot, office: OfficeContext, tasks: Tasks) -> None:
    page = _page(qtbot, office, tasks, _supervisor(office))
    qtbot.waitUntil(lambda: page.report is not None)
    with qtbot.assertNotEmitted(page.tiles["tickets"].clicked):
        qtbot.mouseClick(page.tiles["tickets"], Qt.MouseButton.LeftButton)
    assert page.list_dialog is None
    assert page.message_label.text().startswith("Aucune activité")
    _shoot(page, "reports_empty_fr")


def test_officers_do_not_see_reports_and_the_core_refuses_them(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, desk: DeskWindow, log_in: LogIn
) -> None:
    log_in(desk, *OFFICER)
    assert desk.main_page is not None and "reports" not in desk.main_page.sections
    officer = office.accounts.login(*OFFICER)[0]
    assert officer.role == Role.OFFICER
    page = _page(qtbot, office, tasks, officer)
    qtbot.waitUntil(lambda: page.message_label.text() != "")
    assert page.message_label.text() == office.catalog.text("fr", "error.permission_denied")
    assert page.report is None and page.tiles["visits"].value_label.text() == "—"


@pytest.mark.logs_errors("ui.desk_reports")
def test_a_read_failure_is_said_on_screen(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    page = _page(qtbot, office, tasks, _supervisor(office))
    qtbot.waitUntil(lambda: page.report is not None)
    page.period_box.setCurrentIndex(page.period_box.findData("custom"))
    page.start_edit.setDate(QDate(2026, 11, 20))
    page.end_edit.setDate(QDate(2026, 11, 10))
    qtbot.waitUntil(lambda: page.message_label.text().startswith("Période"))
    assert page.message_label.text() == (
        "Période : elle finit le 2026-11-10, avant de commencer le 2026-11-20."
    )
    (office.paths.config_dir / "reasons.toml").write_text("[[reasons]\n", encoding="utf-8")
    page.end_edit.setDate(QDate(2026, 11, 30))
    qtbot.waitUntil(lambda: page.message_label.text() == "Les chiffres n'ont pas pu être lus.")
    assert page.tiles["visits"].value_label.text() == "—"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_monthly_report_is_written_where_the_supervisor_chose(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, tmp_path: Path, language: str
) -> None:
    known_month(office.store, office.office_id)
    page = _page(qtbot, office, tasks, _supervisor(office), language=language)
    qtbot.waitUntil(lambda: page.report is not None)
    target = tmp_path / "novembre"
    page.choose_monthly = lambda: ("2026-11", language, "json")  # type: ignore[method-assign]
    page.choose_file = lambda name, kind: str(target)  # type: ignore[method-assign]

    page.monthly_button.click()
    assert not page.monthly_button.isEnabled()
    qtbot.waitUntil(page.monthly_button.isEnabled)

    written = json.loads((tmp_path / "novembre.json").read_text(encoding="utf-8"))
    assert (written["month"], written["language"], written["visits"]) == ("2026-11", language, 13)
    assert written["visitors_by_nationality"]["other"] == 4  # published: small counts grouped
    saved = office.catalog.text(language, "desk.reports.monthly_saved", path="")
    assert page.saved_label.text().startswith(saved)
    assert str(tmp_path / "novembre.json") in page.saved_label.text()


def test_a_monthly_report_that_cannot_be_written_says_so(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, tmp_path: Path
) -> None:
    page = _page(qtbot, office, tasks, _supervisor(office))
    qtbot.waitUntil(lambda: page.report is not None)
    page.choose_monthly = lambda: ("2026-11", "fr", "xlsx")  # type: ignore[method-assign]
    page.choose_file = lambda name, kind: str(tmp_path / "gone" / "r.xlsx")  # type: ignore[method-assign]
    page.monthly_button.click()
    qtbot.waitUntil(page.monthly_button.isEnabled)
    assert page.saved_label.text() == (
        "Le rapport mensuel n'a pas pu être écrit dans \u2068r.xlsx\u2069."
    )


@pytest.mark.slow  # a login and a case page: about 3 s
def test_a_case_of_a_list_opens_on_the_case_page(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, desk: DeskWindow, log_in: LogIn
) -> None:
    known_month(office.store, office.office_id)
    _supervisor(office)
    log_in(desk, *SUPERVISOR)
    main = desk.main_page
    assert main is not None
    main.show_section("reports")
    page = main.section_pages["reports"]
    assert isinstance(page, ReportsPage)
    _november(qtbot, page)
    qtbot.keyClick(page.tiles["cases_resolved"], Qt.Key.Key_Return)
    dialog = page.list_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.listed is not None)
    assert [row.case_code for row in dialog.listed.rows] == ["C-000001"]
    assert dialog.table.item(0, 3).text() == "besoin satisfait"
    case_page = main.cases_page.case_page
    with qtbot.waitSignal(case_page.case_loaded, timeout=5000):
        dialog.on_double_clicked(0, 0)
    assert main.sections[main.navigation.currentRow()] == "cases"
    assert case_page.case_id == str(dialog.listed.rows[0].case_id)


def test_the_monthly_report_as_a_pdf_is_drawn_on_the_worker(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, tmp_path: Path
) -> None:
    known_month(office.store, office.office_id)
    page = _page(qtbot, office, tasks, _supervisor(office))
    qtbot.waitUntil(lambda: page.report is not None)
    target = tmp_path / "novembre.pdf"
    page.choose_monthly = lambda: ("2026-11", "ar", "pdf")  # type: ignore[method-assign]
    page.choose_file = lambda name, kind: str(target)  # type: ignore[method-assign]
    page.monthly_button.click()
    qtbot.waitUntil(page.monthly_button.isEnabled, timeout=20_000)
    assert target.read_bytes().startswith(b"%PDF")
    assert str(target) in page.saved_label.text()


@pytest.mark.parametrize(
    ("kind", "first", "last"),
    [
        ("day", date(2026, 11, 18), date(2026, 11, 18)),
        ("week", date(2026, 11, 16), date(2026, 11, 22)),
        ("month", date(2026, 11, 1), date(2026, 11, 30)),
        ("custom", date(2026, 11, 18), date(2026, 12, 2)),
    ],
)
def test_the_periods_chosen(kind: str, first: date, last: date) -> None:
    assert period_of(kind, date(2026, 11, 18), date(2026, 12, 2)) == (first, last)


def test_the_monthly_report_dialog_offers_the_month_just_over(
    qtbot: QtBot, office: OfficeContext
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = MonthlyReportDialog(parent, LanguageState(office.catalog, "ar"))
    month, language, kind = dialog.choice
    last = office_today().replace(day=1) - timedelta(days=1)
    assert (month, language, kind) == (last.strftime("%Y-%m"), "ar", "pdf")
    assert dialog.isRightToLeft()
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("xlsx"))
    assert dialog.choice[2] == "xlsx"


def test_the_figures_follow_what_is_written_while_the_page_is_shown(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    page = _page(qtbot, office, tasks, _supervisor(office))
    report = _november(qtbot, page)
    assert report.visits == 0 and page.tiles["visits"].value_label.text() == "0"
    known_month(office.store, office.office_id)  # as a kiosk or another desk would
    qtbot.waitUntil(lambda: page.report is not None and page.report.visits == 13)
    assert page.tiles["visits"].value_label.text() == "13"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_page_maps_the_visitors_of_the_office_s_province(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, language: str
) -> None:
    from kiosk.cases.intake import IntakeRequest, submit_intake
    from protocol.communes import find_commune, province_communes
    from tests.helpers.intake import answers

    for given in ("Aminata", "Fatou", "Mariam", "Awa", "Binta", "Khadija"):
        request = IntakeRequest(answers(person__given_name=given, person__commune="Taliouine"))
        submit_intake(office.store, office.system, request)
    page = _page(qtbot, office, tasks, _supervisor(office), language)
    qtbot.waitUntil(lambda: page.map_view is not None and page.map_view.isVisible())
    svg = page._map_svg or ""
    taliouine = find_commune("Taliouine")
    assert taliouine is not None
    communes = province_communes(taliouine.province)
    assert svg.count("<path") >= len(communes)  # every commune of Taroudannt, and its outline
    assert f"<title>{taliouine.name(language)}" in svg and "6</title>" in svg
    assert page.map_view.renderer().isValid()
    _shoot(page, f"reports_map_{language}")
