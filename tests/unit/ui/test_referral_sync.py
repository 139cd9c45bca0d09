"""A referral saved from the desk asks for a sync round at once (when the desk syncs)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.directory.importer import import_directory
from kiosk.directory_cli import demo_directory
from kiosk.office import OfficeContext
from ui.desk import DeskWindow
from ui.desk_pages import MainPage
from ui.language import LanguageState
from ui.referral_dialog import ReferralDialog
from ui.sync import SyncRunner
from ui.tasks import Tasks

from .case_helpers import AICHA, core_intake, officer
from .conftest import OFFICER, LogIn


@pytest.fixture
def directory_office(office: OfficeContext) -> OfficeContext:
    """The test office with the demo directory."""
    import_directory(office.store, office.system, demo_directory())
    return office


def open_referral_dialog(qtbot: QtBot, main: MainPage, case_id: str) -> ReferralDialog:
    """Open the case in the Cases section and press "Refer"; the services listed."""
    page = main.cases_page.case_page
    with qtbot.waitSignal(page.case_loaded, timeout=5000):
        main.open_case(case_id)
    page.refer_button.click()
    dialog = page.referral_dialog
    assert isinstance(dialog, ReferralDialog)
    directory = dialog.directory
    qtbot.waitUntil(lambda: not directory.searching and directory.results.count() > 0)
    directory.results.setCurrentRow(0)
    return dialog


def make_main_page(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, sync_soon: Callable[[], None] | None
) -> MainPage:
    language = LanguageState(office.catalog, "fr")
    main = MainPage(office, language, officer(office), tasks, sync_soon=sync_soon)
    main.language_state = language  # type: ignore[attr-defined]  # keep it alive
    qtbot.addWidget(main)
    main.resize(1280, 760)
    main.show()
    return main


def test_a_referral_created_through_the_dialog_asks_for_sync_once(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks
) -> None:
    saved = core_intake(directory_office)
    calls: list[str] = []
    main = make_main_page(qtbot, directory_office, tasks, lambda: calls.append("sync"))
    dialog = open_referral_dialog(qtbot, main, str(saved.case_id))
    assert calls == []
    with qtbot.waitSignal(dialog.referral_created, timeout=5000):
        dialog.create_button.click()
    assert calls == ["sync"]
    qtbot.waitUntil(lambda: tasks.pending == 0)


def test_a_refused_referral_asks_for_no_sync(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks
) -> None:
    saved = core_intake(directory_office, {**AICHA, "consent.share": False})
    calls: list[str] = []
    main = make_main_page(qtbot, directory_office, tasks, lambda: calls.append("sync"))
    dialog = open_referral_dialog(qtbot, main, str(saved.case_id))
    dialog.on_create_clicked()  # the button is disabled; the core refuses it anyway
    qtbot.waitUntil(lambda: dialog.create_button.isEnabled())
    assert "refus" in dialog.message_label.text().lower()
    assert calls == []


def test_without_sync_a_referral_is_still_created(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks
) -> None:
    saved = core_intake(directory_office)
    main = make_main_page(qtbot, directory_office, tasks, None)
    dialog = open_referral_dialog(qtbot, main, str(saved.case_id))
    with qtbot.waitSignal(dialog.referral_created, timeout=5000):
        dialog.create_button.click()
    qtbot.waitUntil(lambda: tasks.pending == 0)


@pytest.fixture
def runner(office: OfficeContext, tasks: Tasks) -> Iterator[SyncRunner]:
    """A sync runner on the test's workers, stopped after the test."""
    sync = SyncRunner(office, tasks, tick_ms=60_000)
    yield sync
    sync.stop()


def test_the_desk_hands_its_sync_runner_to_the_case_page(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, runner: SyncRunner, log_in: LogIn
) -> None:
    desk = DeskWindow(office, tasks, lock_after_ms=60_000, sync=runner)
    qtbot.addWidget(desk)
    desk.show()
    log_in(desk, *OFFICER)
    assert desk.main_page is not None
    assert desk.main_page.cases_page.case_page.sync_soon == runner.request_sync_soon


def test_a_desk_without_sync_hands_none(desk: DeskWindow, log_in: LogIn) -> None:
    log_in(desk, *OFFICER)
    assert desk.main_page is not None
    assert desk.main_page.cases_page.case_page.sync_soon is None
