"""The desk fits the offices' 1280x800 screens: every page, in French, Arabic and Tamazight.

Set ``BAOM_SHOTS_DIR`` to keep screenshots of the directory page, of the status bar after
a failed sync and of the Reports page with a month's charts (to look at them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from db.models import Role
from kiosk.directory.importer import import_directory
from kiosk.directory_cli import demo_directory
from kiosk.office import OfficeContext
from ui.desk import DeskWindow
from ui.desk_directory import DirectoryPage

from .conftest import LogIn

SCREEN = (1280, 800)
FAILED_SYNC = {
    "enrolled": True,
    "last_success": "2026-11-28T13:05:00+00:00",
    "last_error": "the regional server cannot be reached",
    "error_kind": "unavailable",
    "pending": 12,
    "quarantined": 3,
}
"""The status after a failed round, the longest the status bar has to show."""


def fits(desk: DeskWindow) -> bool:
    """Whether the window may be as small as the screen, in both directions, with the page
    shown whole (at a larger text size a page may scroll instead)."""
    hint = desk.minimumSizeHint()
    layout = desk.layout().minimumSize()
    return (
        max(hint.width(), layout.width(), desk.minimumWidth()) <= SCREEN[0]
        and max(hint.height(), layout.height(), desk.minimumHeight()) <= SCREEN[1]
        and not scrolls(desk)
    )


def scrolls(desk: DeskWindow) -> bool:
    """Whether the page shown needs more than the window and scrolls."""
    main = desk.main_page
    if main is None:
        return False
    QApplication.processEvents()
    bars = (main.page_scroll.horizontalScrollBar(), main.page_scroll.verticalScrollBar())
    return any(bar.isVisibleTo(main.page_scroll) for bar in bars)


@pytest.mark.parametrize("language", ["fr", "ar", "zgh"])
def test_every_desk_page_fits_a_1280_by_800_screen(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn, language: str
) -> None:
    import_directory(office.store, office.system, demo_directory())  # long service names
    office.accounts.add(office.system, "hassan", Role.SUPERVISOR, "long-password-1")
    log_in(desk, "hassan", "long-password-1")  # a supervisor sees every section
    main = desk.main_page
    assert main is not None and "reports" in main.sections
    desk.language.set_language(language)
    desk.on_sync_status(FAILED_SYNC)
    desk.resize(*SCREEN)
    for section in main.sections:
        main.show_section(section)
        QApplication.processEvents()
        assert fits(desk), (section, desk.minimumSizeHint())
        assert (desk.width(), desk.height()) == SCREEN, section
    assert desk.sync_label.text().startswith(
        desk.language.translator("desk.sync_error_unavailable")
    )
    assert desk.sync_label.toolTip() == desk.sync_label.text()  # whole, even when shortened

    folder = os.environ.get("BAOM_SHOTS_DIR")
    if folder and language in ("fr", "ar"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        main.show_section("directory")
        directory = main.section_pages["directory"]
        assert isinstance(directory, DirectoryPage)
        qtbot.waitUntil(lambda: not directory.searching and directory.results.count() > 0)
        with qtbot.waitSignal(directory.card_shown, timeout=5000):
            directory.results.setCurrentRow(0)
        QApplication.processEvents()
        assert desk.grab().save(str(Path(folder) / f"directory_{language}.png"))
        assert desk.statusBar().grab().save(str(Path(folder) / f"status_{language}.png"))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_waiting_list_has_room_at_the_desks_default_size(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn, language: str
) -> None:
    log_in(desk, "amina", "demo-password")
    main = desk.main_page
    assert main is not None
    desk.language.set_language(language)
    main.show_section("queue")
    QApplication.processEvents()
    page = main.section_pages["queue"]  # at the size the desk opens
    tree = page.tree  # type: ignore[attr-defined]
    assert tree.width() >= 300  # a reason and its tickets, not a 126 px sliver


@pytest.mark.parametrize("text_size", [100, 150])
@pytest.mark.parametrize("language", ["fr", "ar", "zgh"])
def test_the_locked_screen_and_the_waiting_list_keep_their_size_at_any_text_size(
    qtbot: QtBot,
    office: OfficeContext,
    desk: DeskWindow,
    log_in: LogIn,
    language: str,
    text_size: int,
) -> None:
    log_in(desk, "amina", "demo-password")
    main = desk.main_page
    assert main is not None
    desk.language.set_language(language)
    desk.set_text_size(text_size)
    desk.resize(*SCREEN)
    main.show_section("queue")
    QApplication.processEvents()
    assert fits(desk) or text_size > 100  # a larger text may scroll: never off the screen
    assert (desk.width(), desk.height()) == SCREEN
    tree = main.section_pages["queue"].tree  # type: ignore[attr-defined]
    scale = text_size / 100
    assert tree.width() >= 300 * scale and tree.height() >= 200 * scale

    desk.on_lock_requested()
    QApplication.processEvents()
    page = desk.login_page
    for field in (page.name_edit, page.password_edit, page.language_box):
        assert field.height() >= field.sizeHint().height(), field.objectName()  # not 17 px
        assert field.visibleRegion().boundingRect().height() >= field.sizeHint().height()
    assert page.panel.width() == round(500 * scale)  # wider with its words
    folder = os.environ.get("BAOM_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert desk.grab().save(str(Path(folder) / f"locked_{language}_{text_size}.png"))


@pytest.mark.parametrize("text_size", [90, 110, 125, 150])
def test_the_desk_fits_the_screen_at_every_text_size(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn, text_size: int
) -> None:
    """A larger text makes a page scroll (the widest ones), never the window outgrow the
    screen; up to 110 % no page scrolls in French."""
    office.accounts.add(office.system, "hassan", Role.SUPERVISOR, "long-password-1")
    log_in(desk, "hassan", "long-password-1")
    main = desk.main_page
    assert main is not None
    desk.set_text_size(text_size)
    desk.resize(*SCREEN)
    for section in main.sections:
        main.show_section(section)
        QApplication.processEvents()
        hint = desk.minimumSizeHint()
        assert hint.width() <= SCREEN[0] and hint.height() <= SCREEN[1], (section, hint)
        assert (desk.width(), desk.height()) == SCREEN, section
        if text_size <= 110:
            assert not scrolls(desk), section


@pytest.mark.parametrize("language", ["fr", "ar", "zgh"])
def test_a_case_with_five_needs_and_a_suggestion_fits_a_1280_by_800_screen(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn, language: str
) -> None:
    from kiosk.cases import work
    from tests.unit.kiosk.cases.conftest import service_for

    from .case_helpers import AICHA, core_intake, officer

    import_directory(office.store, office.system, demo_directory())
    needs = ["civil_registration", "health", "housing", "employment", "legal_aid"]
    case_id = str(core_intake(office, {**AICHA, "needs": needs}).case_id)
    service = service_for(office, "état civil")
    code = work.make_referral(office, officer(office), case_id, service, "health", "normal")
    work.set_referral_state(office, officer(office), code, "done")  # a banner asks
    log_in(desk, "amina", "demo-password")
    main = desk.main_page
    assert main is not None
    desk.language.set_language(language)
    desk.resize(*SCREEN)
    case_page = main.cases_page.case_page
    with qtbot.waitSignal(case_page.case_loaded, timeout=5000):
        main.open_case(case_id)
    QApplication.processEvents()
    assert case_page.suggestion.isVisibleTo(case_page)
    assert fits(desk), desk.minimumSizeHint()
    assert case_page.timeline.height() >= 90  # the history keeps room for a few lines


@pytest.mark.parametrize("language", ["fr", "ar", "zgh"])
def test_the_reports_page_with_its_charts_fits_a_1280_by_800_screen(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn, language: str
) -> None:
    from PySide6.QtCore import QDate

    from tests.helpers.activity import known_month
    from ui.desk_reports import ReportsPage

    known_month(office.store, office.office_id)
    office.accounts.add(office.system, "hassan", Role.SUPERVISOR, "long-password-1")
    log_in(desk, "hassan", "long-password-1")
    main = desk.main_page
    assert main is not None
    desk.language.set_language(language)
    desk.resize(*SCREEN)
    main.show_section("reports")
    page = main.section_pages["reports"]
    assert isinstance(page, ReportsPage)
    page.start_edit.setDate(QDate(2026, 11, 17))
    qtbot.waitUntil(lambda: page.report is not None and page.report.start.month == 11)
    QApplication.processEvents()
    assert len(page.charts) == 7
    assert fits(desk), desk.minimumSizeHint()
    assert (desk.width(), desk.height()) == SCREEN
    folder = os.environ.get("BAOM_SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert desk.grab().save(str(Path(folder) / f"reports_desk_{language}.png"))
