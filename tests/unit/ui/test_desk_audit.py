"""The desk's Audit page: supervisors only, filters by officer, person, day and action, and
the export for an inspection."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from db.models import Role
from db.uow import Actor
from kiosk.audit import CASE_READ, record_search
from kiosk.cases import work
from kiosk.clock import office_today
from kiosk.office import OfficeContext
from ui.desk import DeskWindow
from ui.desk_audit import AuditPage
from ui.language import LanguageState, direction_of
from ui.tasks import Tasks

from .case_helpers import AICHA, OFFICER, core_intake, officer
from .conftest import LogIn

SUPERVISOR = ("hassan", "long-password-1")


def _supervisor(office: OfficeContext) -> Actor:
    office.accounts.add(office.system, SUPERVISOR[0], Role.SUPERVISOR, SUPERVISOR[1])
    return office.accounts.login(*SUPERVISOR)[0]


def _page(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, actor: Actor, language: str = "fr"
) -> AuditPage:
    state = LanguageState(office.catalog, language)
    page = AuditPage(office, state, actor, tasks)
    page.language_state = state  # type: ignore[attr-defined]  # keep it alive
    qtbot.addWidget(page)
    page.resize(1280, 700)
    page.show()
    return page


def _read(qtbot: QtBot, page: AuditPage) -> None:
    qtbot.waitUntil(lambda: page._tasks.pending == 0)


def _actions(page: AuditPage) -> list[str]:
    return [page.table.item(row, 2).text() for row in range(page.table.rowCount())]


def test_only_supervisors_see_the_audit_and_the_core_refuses_an_officer(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, desk: DeskWindow, log_in: LogIn
) -> None:
    log_in(desk, *OFFICER)
    assert desk.main_page is not None and "audit" not in desk.main_page.sections

    page = _page(qtbot, office, tasks, officer(office))
    _read(qtbot, page)
    assert page.table.rowCount() == 0
    assert page.count_label.text() == "Votre rôle ne permet pas cette action."


def test_the_filters_keep_an_officer_s_person_s_day_s_and_action_s_entries(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    first = core_intake(office)
    other = core_intake(office, {**AICHA, "person.given_name": "Awa", "person.phone": "0600000001"})
    work.read_case(office, str(first.case_code), reader=officer(office))
    work.read_case(office, str(other.case_code), reader=office.system)
    record_search(office, officer(office), 2)
    page = _page(qtbot, office, tasks, _supervisor(office))
    _read(qtbot, page)
    assert "Dossier ouvert" in _actions(page) and "Création" in _actions(page)
    search = _actions(page).index("Recherche par nom")
    assert page.table.item(search, 4).text() == "2 personnes trouvées"
    everything = page.table.rowCount()

    page.action_box.setCurrentIndex(page.action_box.findData(CASE_READ))
    page.action_box.activated.emit(page.action_box.currentIndex())
    _read(qtbot, page)
    assert _actions(page) == ["Dossier ouvert", "Dossier ouvert"]

    page.user_box.setCurrentIndex(page.user_box.findData(OFFICER[0]))
    page.user_box.activated.emit(page.user_box.currentIndex())
    _read(qtbot, page)
    assert [page.table.item(r, 1).text() for r in range(page.table.rowCount())] == [
        "\u2068amina\u2069"
    ]
    assert page.table.item(0, 3).toolTip() == str(first.case_id)

    page.user_box.setCurrentIndex(0)
    page.action_box.setCurrentIndex(0)
    page.person_edit.setText(str(other.case_code))
    qtbot.keyClick(page.person_edit, Qt.Key.Key_Return)
    _read(qtbot, page)
    ids = {page.table.item(r, 3).toolTip() for r in range(page.table.rowCount())}
    assert str(other.case_id) in ids and str(first.case_id) not in ids
    assert 0 < page.table.rowCount() < everything

    yesterday = office_today().toordinal() - 1
    day = QDate.fromJulianDay(yesterday + 1721425)
    page.person_edit.setText("")
    page.day_edit.setDate(day)
    page.day_check.setChecked(True)
    _read(qtbot, page)
    assert page.table.rowCount() == 0
    assert page.count_label.text() == "Aucune entrée pour ces filtres."

    page.day_check.setChecked(False)
    page.person_edit.setText("C-ZZZZZZ")
    page.filter_button.click()
    _read(qtbot, page)
    assert page.count_label.text() == "Personne : aucune personne ni aucun dossier « C-ZZZZZZ »."


def test_the_export_writes_the_entries_kept_as_csv(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, tmp_path: Path
) -> None:
    saved = core_intake(office)
    work.read_case(office, str(saved.case_code), reader=officer(office))
    page = _page(qtbot, office, tasks, _supervisor(office))
    _read(qtbot, page)
    page.action_box.setCurrentIndex(page.action_box.findData(CASE_READ))
    target = tmp_path / "inspection.csv"
    target.write_text("an older export")  # the file dialog asked before replacing it
    page.choose_file = lambda: str(target)

    page.export_button.click()
    qtbot.waitUntil(lambda: page.export_button.isEnabled() and page._tasks.pending == 0)

    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["action"], row["entity_id"]) for row in rows] == [(CASE_READ, str(saved.case_id))]
    assert page.result_label.text() == "1 entrées écrites dans \u2068inspection.csv\u2069."
    page.choose_file = lambda: ""  # cancelled: nothing happens
    page.export_button.click()
    assert page._tasks.pending == 0


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_page_in_french_and_arabic(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, language: str
) -> None:
    saved = core_intake(office)
    work.read_case(office, str(saved.case_code), reader=officer(office))
    page = _page(qtbot, office, tasks, _supervisor(office), language)
    _read(qtbot, page)
    page.setLayoutDirection(direction_of(language == "ar"))  # as the desk window sets it
    assert page.table.rowCount() > 0
    assert page.export_button.text() == office.catalog.text(language, "desk.audit.export")
    folder = os.environ.get("BAOM_SHOTS_DIR")
    if folder:
        page.grab().save(str(Path(folder) / f"desk-audit-{language}.png"))


def test_checking_the_trail_names_the_entry_edited(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    page = _page(qtbot, office, tasks, _supervisor(office))
    _read(qtbot, page)
    page.verify_button.click()
    qtbot.waitUntil(lambda: page.verify_button.isEnabled() and page._tasks.pending == 0)
    assert page.result_label.text().startswith("Le journal est intact : ")
    shown = len(page.entries)
    record_search(office, office.system, 0)  # an entry written meanwhile: the list refreshes
    qtbot.waitUntil(lambda: len(page.entries) == shown + 1)
    assert page.result_label.text().startswith("Le journal est intact : ")  # still said

    with office.store.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER audit_entry_no_update")
        connection.exec_driver_sql("UPDATE audit_entry SET user_name = 'x' WHERE seq = 2")
    page.verify_button.click()
    qtbot.waitUntil(lambda: page.verify_button.isEnabled() and page._tasks.pending == 0)
    assert page.result_label.text() == (
        "Le journal est altéré à partir de l'entrée 2 : les 1 entrées d'avant sont intactes."
    )
