"""The case page's "Erase the person…": a supervisor chooses a reason and confirms, the
erasure runs off the GUI thread and the desk goes back to the search saying so; an officer
has no such button, and a refused erasure is said on screen with nothing lost.

Set ``BAOM_SHOTS_DIR`` to keep pictures of the dialog in French and in Arabic.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from db.cases import Case, Person
from db.models import AuditEntry
from db.uow import Actor
from kiosk.office import OfficeContext
from ui.case_dialogs import EraseDialog
from ui.language import LanguageState
from ui.tasks import Tasks

from .case_helpers import AICHA, core_intake
from .test_desk_cases import make_cases, open_case


def _supervisor(office: OfficeContext) -> Actor:
    return Actor(name="sara", role="supervisor", office_id=office.office_id)


def _erasures(office: OfficeContext) -> list[str]:
    with office.store.session() as session:
        return list(session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "erase")))


def _named(office: OfficeContext) -> int:
    with office.store.session() as session:
        query = select(func.count()).select_from(Person).where(Person.given_name == "Aïcha")
        return int(session.scalar(query) or 0)


def _cases(office: OfficeContext) -> int:
    with office.store.session() as session:
        return int(session.scalar(select(func.count()).select_from(Case)) or 0)


def test_an_officer_has_no_erase_button(qtbot: QtBot, office: OfficeContext, tasks: Tasks) -> None:
    saved = core_intake(office)
    page = open_case(qtbot, make_cases(qtbot, office, tasks, "fr"), str(saved.case_id))
    assert not page.erase_button.isVisibleTo(page)


@pytest.mark.parametrize(
    ("stats", "cases_left", "notice"),
    [
        (
            True,
            1,
            "a été effacée : le dossier reste, sans nom, pour les statistiques"
            " qu'elle avait acceptées.",
        ),
        (False, 0, "a été effacée, avec son dossier : le bureau ne garde plus rien d'elle."),
    ],
)
def test_a_supervisor_erases_the_person_and_the_desk_goes_back_to_the_search(
    qtbot: QtBot,
    office: OfficeContext,
    tasks: Tasks,
    monkeypatch: pytest.MonkeyPatch,
    stats: bool,
    cases_left: int,
    notice: str,
) -> None:
    saved = core_intake(office, {**AICHA, "consent.stats": stats})
    cases = make_cases(qtbot, office, tasks, "fr", actor=_supervisor(office))
    page = open_case(qtbot, cases, str(saved.case_id))
    assert page.erase_button.isVisibleTo(page)
    assert page.erase_button.text() == "Effacer la personne…"
    monkeypatch.setattr(EraseDialog, "ask", classmethod(lambda *_args: "consent_withdrawn"))

    page.erase_button.click()
    qtbot.waitUntil(lambda: cases.stack.currentWidget() is cases.search, timeout=10_000)
    qtbot.waitUntil(lambda: tasks.pending == 0)
    assert cases.notice_label.isVisibleTo(cases)
    assert cases.notice_label.text() == f"La personne du dossier {saved.case_code} {notice}"
    assert _named(office) == 0
    assert _cases(office) == cases_left
    facts = "kept" if stats else "deleted"
    assert _erasures(office) == [f"consent_withdrawn; facts {facts}"]
    assert page.message == ""  # no failure to read the case it left
    table = cases.search.table
    shown = [table.item(r, c) for r in range(table.rowCount()) for c in range(table.columnCount())]
    assert not any("Aïcha" in item.text() for item in shown if item is not None)


def test_a_refused_erasure_is_said_on_screen_and_nothing_is_lost(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = core_intake(office)
    cases = make_cases(qtbot, office, tasks, "fr")  # an officer: the core refuses them
    page = open_case(qtbot, cases, str(saved.case_id))
    monkeypatch.setattr(EraseDialog, "ask", classmethod(lambda *_args: "person_request"))

    page.on_erase_clicked()  # as if the hidden button were reached
    qtbot.waitUntil(lambda: page.message != "", timeout=10_000)
    assert page.message == "L'opération a échoué : Votre rôle ne permet pas cette action."
    assert cases.stack.currentWidget() is page
    assert "Aïcha" in page.header_label.text()
    assert _named(office) == 1 and _cases(office) == 1
    assert _erasures(office) == []


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_erase_dialog_says_what_goes_and_erases_only_once_confirmed(
    qtbot: QtBot, office: OfficeContext, language: str
) -> None:
    state = LanguageState(office.catalog, language)
    dialog = EraseDialog(state, None, "Aïcha Diallo", "BAOM-0001")
    qtbot.addWidget(dialog)
    dialog.show()
    tr = state.translator
    reasons = [dialog.reason_combo.itemData(i) for i in range(dialog.reason_combo.count())]
    assert reasons == ["person_request", "consent_withdrawn", "legal_order"]
    explained = tr("desk.case.erase_explained", name="Aïcha Diallo", code="BAOM-0001")
    assert "BAOM-0001" in explained and "Aïcha Diallo" in explained
    assert dialog.findChild(QLabel, "eraseExplained").text() == explained
    assert dialog.erase_button.text() == tr("desk.case.erase_confirm")
    assert not dialog.erase_button.isEnabled()
    dialog.erase_button.click()
    assert dialog.isVisible()  # a click on the disabled button erases nothing

    dialog.understood.setChecked(True)
    assert dialog.erase_button.isEnabled()
    folder = os.environ.get("BAOM_SHOTS_DIR")
    if folder:
        dialog.grab().save(str(Path(folder) / f"erase-dialog-{language}.png"))
    dialog.erase_button.click()
    assert dialog.result() == EraseDialog.DialogCode.Accepted
