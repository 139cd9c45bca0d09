"""What one officer must not see of another's work: drafts, open dialogs, after a lock."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

import ui.intake_wizard
from db.models import Role
from kiosk.office import OfficeContext
from ui.desk import DeskWindow
from ui.desk_home import HomePage
from ui.referral_dialog import ReferralDialog

from .case_helpers import AICHA, OFFICER, core_intake, fill_section, set_answer
from .conftest import LogIn

YOUSSEF = ("youssef", "long-password-3")


def test_another_officer_sees_neither_the_drafts_nor_can_resume_them(
    qtbot: QtBot,
    office: OfficeContext,
    desk: DeskWindow,
    log_in: LogIn,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ui.intake_wizard, "DRAFT_DELAY_MS", 20)
    office.accounts.add(office.system, YOUSSEF[0], Role.OFFICER, YOUSSEF[1])
    log_in(desk, *OFFICER)
    main = desk.main_page
    assert main is not None
    wizard = main.start_intake()
    fill_section(wizard, AICHA)
    wizard.go_next()
    with qtbot.waitSignal(wizard.draft_saved, timeout=5000) as saved:
        set_answer(wizard, "person.given_name", "Aïcha")
    draft_id = saved.args[0]
    desk.on_lock_requested()

    log_in(desk, *YOUSSEF)
    other = desk.main_page
    assert other is not None and other is not main
    home = other.pages.currentWidget()
    assert isinstance(home, HomePage)
    qtbot.waitUntil(lambda: home.data is not None)
    assert home.data is not None and home.data["drafts"] == []
    assert home.lists["drafts"].item(0).text() == "Rien ici."

    cases = other.cases_page
    other.resume_draft(draft_id)
    qtbot.waitUntil(lambda: not cases.notice_label.isHidden())
    assert cases.wizard is None
    assert "Aïcha" not in cases.notice_label.text()

    log_in(desk, *OFFICER)  # the owner still finds it on her home page
    mine = desk.main_page
    assert mine is not None
    own_home = mine.pages.currentWidget()
    assert isinstance(own_home, HomePage)
    qtbot.waitUntil(lambda: own_home.data is not None)
    assert "Aïcha" in own_home.lists["drafts"].item(0).text()
    assert own_home.lists["drafts"].item(0).data(Qt.ItemDataRole.UserRole) == ("drafts", draft_id)


def test_the_lock_closes_a_dialog_showing_the_case(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn
) -> None:
    saved = core_intake(office)
    log_in(desk, *OFFICER)
    main = desk.main_page
    assert main is not None
    main.show_section("cases")
    case_page = main.cases_page.case_page
    with qtbot.waitSignal(case_page.case_loaded, timeout=5000):
        main.open_case(str(saved.case_id))
    case_page.refer_button.click()
    dialog = case_page.referral_dialog
    assert isinstance(dialog, ReferralDialog) and dialog.isVisible()

    desk.on_lock_requested()
    assert desk.locked
    assert not dialog.isVisible()
