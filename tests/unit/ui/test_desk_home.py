"""The home page (follow-up) and the Referrals section, in the desk after login."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.cases import IntakeDraft
from db.models import Role
from kiosk.directory.importer import import_directory
from kiosk.directory.search import SearchQuery
from kiosk.directory.view import find_services
from kiosk.directory_cli import demo_directory
from kiosk.office import OfficeContext
from ui.desk import DeskWindow
from ui.desk_cases import CasesPage
from ui.desk_home import HomePage
from ui.desk_referrals import ReferralsPage

from .case_helpers import (
    AICHA,
    OFFICER,
    core_intake,
    fill_section,
    overdue_referral,
    overdue_step,
    set_answer,
)
from .conftest import LogIn


def test_home_lists_what_is_overdue_and_opens_its_case(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn
) -> None:
    import_directory(office.store, office.system, demo_directory())
    saved = core_intake(office)
    other = core_intake(office, {**AICHA, "person.given_name": "Moussa", "person.phone": ""})
    overdue_step(office, saved.case_id, "Rappeler la CNSS")
    service = find_services(office, SearchQuery(category="health"))[0]
    code = overdue_referral(office, other.case_id, str(service.service_id))

    log_in(desk, *OFFICER)
    main = desk.main_page
    assert main is not None and main.sections[0] == "home"
    home = main.pages.currentWidget()
    assert isinstance(home, HomePage)  # the first page after login
    qtbot.waitUntil(lambda: home.data is not None)
    steps, referrals = home.lists["steps"], home.lists["referrals"]
    assert home.headings["steps"].text() == "Étapes du jour et en retard (1)"
    assert "Rappeler la CNSS" in steps.item(0).text() and "en retard" in steps.item(0).text()
    assert code in referrals.item(0).text()
    nothing = home.lists["drafts"].item(0)
    assert nothing.text() == "Rien ici."
    assert nothing.flags() & Qt.ItemFlag.ItemIsEnabled  # drawn as text, not a pale grey
    assert not nothing.flags() & Qt.ItemFlag.ItemIsSelectable  # and never chosen

    cases = main.cases_page
    assert isinstance(cases, CasesPage)
    with qtbot.waitSignal(cases.case_page.case_loaded, timeout=5000):
        referrals.itemActivated.emit(referrals.item(0))
    assert main.sections[main.navigation.currentRow()] == "cases"
    assert cases.case_page.case_id == str(other.case_id)
    assert "Moussa" in cases.case_page.header_label.text()

    main.show_section("home")
    with qtbot.waitSignal(cases.case_page.case_loaded, timeout=5000):
        steps.itemDoubleClicked.emit(steps.item(0))
    assert cases.case_page.case_id == str(saved.case_id)

    main.show_section("referrals")
    page = main.pages.currentWidget()
    assert isinstance(page, ReferralsPage)
    qtbot.waitUntil(lambda: len(page.rows) == 1)
    with qtbot.waitSignal(page.referrals_shown, timeout=5000):
        page.overdue_check.setChecked(True)
    assert page.table.item(0, 0).text() == code
    assert page.table.item(0, 5).text() == "créée (en retard)"


def test_home_mirrors_in_arabic(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn
) -> None:
    log_in(desk, *OFFICER)
    desk.language.set_language("ar")
    main = desk.main_page
    assert main is not None
    home = main.pages.currentWidget()
    assert isinstance(home, HomePage)
    assert home.title_label.text() == "متابعة اليوم"
    assert home.layoutDirection() == Qt.LayoutDirection.RightToLeft
    qtbot.waitUntil(
        lambda: home.lists["steps"].geometry().x() > home.lists["drafts"].geometry().x()
    )


def test_an_intake_in_progress_survives_the_auto_lock(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn
) -> None:
    log_in(desk, *OFFICER)
    main = desk.main_page
    assert main is not None
    wizard = main.start_intake()
    fill_section(wizard, AICHA)
    wizard.go_next()
    set_answer(wizard, "person.given_name", "Aïcha")
    desk.on_lock_requested()
    assert desk.locked
    log_in(desk, *OFFICER)
    assert desk.main_page is main and main.cases_page.wizard is wizard
    assert wizard.current_section == 1
    assert wizard.fields["person.given_name"].value() == "Aïcha"


def test_the_last_keystrokes_are_saved_when_another_officer_takes_the_desk(
    qtbot: QtBot, office: OfficeContext, desk: DeskWindow, log_in: LogIn
) -> None:
    office.accounts.add(office.system, "youssef", Role.OFFICER, "long-password-3")
    log_in(desk, *OFFICER)
    main = desk.main_page
    assert main is not None
    wizard = main.start_intake()
    fill_section(wizard, AICHA)
    wizard.go_next()
    set_answer(wizard, "person.given_name", "Aïcha")  # typed less than a second ago
    desk.on_lock_requested()
    log_in(desk, "youssef", "long-password-3")
    assert desk.main_page is not main

    def saved_name() -> object:
        with office.store.session() as session:
            draft = session.scalar(select(IntakeDraft))
            return None if draft is None else json.loads(draft.answers).get("person.given_name")

    qtbot.waitUntil(lambda: saved_name() == "Aïcha", timeout=3000)
