"""Merging two records of one person from the search page: supervisors only, audited."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.cases import Case, Person
from db.models import AuditEntry, Role
from db.uow import Actor
from kiosk.accounts import PermissionDenied
from kiosk.cases import work
from kiosk.cases.intake import SavedIntake
from kiosk.office import OfficeContext
from ui.desk import DeskWindow
from ui.language import LanguageState
from ui.merge_dialog import MergeDialog
from ui.person_search import PersonSearchPage
from ui.tasks import Tasks

from .case_helpers import AICHA, core_intake, officer
from .conftest import OFFICER, LogIn

SUPERVISOR = ("hassan", "long-password-1")
TWIN = {
    **AICHA,
    "person.given_name": "Aicha",
    "person.phone": "0698765432",
    "person.commune": "Agadir",
}


def supervisor(office: OfficeContext) -> Actor:
    """A supervisor account, logged in."""
    office.accounts.add(office.system, SUPERVISOR[0], Role.SUPERVISOR, SUPERVISOR[1])
    return office.accounts.login(*SUPERVISOR)[0]


def make_search(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, actor: Actor, language: str = "fr"
) -> PersonSearchPage:
    state = LanguageState(office.catalog, language)
    page = PersonSearchPage(office, state, tasks, actor)
    page.language_state = state  # type: ignore[attr-defined]  # keep it alive
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    return page


def search(qtbot: QtBot, page: PersonSearchPage, text: str) -> None:
    with qtbot.waitSignal(page.results_shown, timeout=5000):
        page.search_edit.setText(text)
    qtbot.waitUntil(lambda: not page.searching)


@pytest.fixture
def twins(office: OfficeContext) -> tuple[SavedIntake, SavedIntake]:
    """Aïcha Diallo, registered twice (two persons, one case each)."""
    return core_intake(office), core_intake(office, TWIN)


def test_a_supervisor_merges_two_persons_and_the_kept_one_holds_both_cases(
    qtbot: QtBot,
    office: OfficeContext,
    tasks: Tasks,
    twins: tuple[SavedIntake, SavedIntake],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keep, merged = (str(saved.person_id) for saved in twins)
    page = make_search(qtbot, office, tasks, supervisor(office))
    assert page.merge_button.isVisibleTo(page)
    assert page.merge_button.text() == "Fusionner les doublons…"
    qtbot.waitUntil(lambda: not page.searching)
    page.table.selectAll()  # the recent cases are cases, not persons: no merge from there
    assert not page.merge_button.isEnabled()

    search(qtbot, page, "aicha diallo")
    assert len(page.people) == 2 and not page.merge_button.isEnabled()  # one row selected
    page.table.selectAll()
    assert page.merge_button.isEnabled()
    asked: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def ask(cls: type, parent: object, language: LanguageState, *people: Any) -> tuple[str, str]:
        asked.append(people)
        return keep, merged

    monkeypatch.setattr(MergeDialog, "ask", classmethod(ask))
    with qtbot.waitSignals([page.persons_merged, page.results_shown], timeout=5000):
        page.merge_button.click()
    qtbot.waitUntil(lambda: not page.searching)

    assert {p["person_id"] for p in asked[0]} == {keep, merged}
    assert [p["person_id"] for p in page.people] == [keep]
    codes = {saved.case_code for saved in twins}
    assert set(page.table.item(0, 4).text().split(", ")) == codes
    assert page.message_label.isVisibleTo(page)
    assert page.message_label.text() == (
        "Fusion faite : \u2068Aïcha Diallo\u2069 reprend les dossiers de l'autre fiche (1)."
    )
    with office.store.session() as session:
        gone = session.get(Person, uuid.UUID(merged))
        owners = set(session.scalars(select(Case.person_id)))
        audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "merge"))
    assert gone is not None and gone.merged_into_id == uuid.UUID(keep)
    assert owners == {uuid.UUID(keep)}
    assert audit is not None and audit.user_name == "hassan"
    assert audit.entity_id == uuid.UUID(merged)


def test_an_officer_is_not_offered_the_merge_and_the_core_refuses_it(
    qtbot: QtBot,
    office: OfficeContext,
    tasks: Tasks,
    twins: tuple[SavedIntake, SavedIntake],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = make_search(qtbot, office, tasks, officer(office))
    search(qtbot, page, "aicha diallo")
    assert len(page.people) == 2
    assert not page.merge_button.isVisibleTo(page)
    page.table.selectAll()  # one row at a time for an officer
    assert len(page.selected_people()) == 1 and not page.merge_button.isEnabled()

    def ask(*_: object) -> None:
        raise AssertionError("an officer is never asked")

    monkeypatch.setattr(MergeDialog, "ask", classmethod(ask))
    page.on_merge_clicked()
    assert tasks.pending == 0
    keep, merged = (str(saved.person_id) for saved in twins)
    with pytest.raises(PermissionDenied):
        work.merge(office, officer(office), keep, merged)


def test_a_refusal_of_the_core_is_shown_in_the_officers_language(
    qtbot: QtBot,
    office: OfficeContext,
    tasks: Tasks,
    twins: tuple[SavedIntake, SavedIntake],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keep, merged = (str(saved.person_id) for saved in twins)
    actor = supervisor(office)
    page = make_search(qtbot, office, tasks, actor, "ar")
    search(qtbot, page, "aicha diallo")
    page.table.selectAll()

    def ask_while_another_desk_merges(*_: object) -> tuple[str, str]:
        other_desk = threading.Thread(target=work.merge, args=(office, actor, keep, merged))
        other_desk.start()  # another desk merges them while this one asks
        other_desk.join()
        return keep, merged

    monkeypatch.setattr(MergeDialog, "ask", classmethod(ask_while_another_desk_merges))
    page.merge_button.click()
    qtbot.waitUntil(lambda: not page.merging)
    assert page.message_label.text() == "رُفض الدمج: أحد الشخصين دُمج من قبل."
    # the list follows the merge made elsewhere: one person is left, nothing to merge
    qtbot.waitUntil(lambda: len(page.people) == 1, timeout=10_000)
    assert not page.merge_button.isEnabled()


def test_the_dialog_shows_both_persons_and_asks_which_one_is_kept(
    qtbot: QtBot, office: OfficeContext
) -> None:
    first = {
        "person_id": "a",
        "given_name": "Aïcha",
        "family_name": "Diallo",
        "birth_year": 1990,
        "nationality": "SN",
        "phone": "+212612345678",
        "commune": "Taliouine",
        "cases": [{"case_id": "1", "code": "C-AAAAAA", "status": "open"}],
    }
    second = {"person_id": "b", "given_name": "Aicha", "family_name": "Diallo", "cases": []}
    dialog = MergeDialog(LanguageState(office.catalog, "fr"), first, second)
    qtbot.addWidget(dialog)
    assert [dialog.cells[0][row].text() for row in ("name", "nationality", "cases")] == [
        "Aïcha Diallo",
        "Sénégal",
        "\u2066C-AAAAAA\u2069 (ouvert)",
    ]
    assert dialog.cells[1]["phone"].text() == "—"
    assert "ne peut pas être annulée" in dialog.warning_label.text()
    assert not dialog.merge_button.isEnabled() and dialog.answer() is None
    dialog.choose(1)
    assert dialog.merge_button.isEnabled() and dialog.answer() == ("b", "a")
    summary = dialog.summary_label.text().replace("\u2068", "").replace("\u2069", "")
    assert (
        summary
        == "Les dossiers de la fiche « Aïcha Diallo » passeront sur la fiche « Aicha Diallo »."
    )


def test_the_desk_offers_the_merge_to_supervisors_only(
    office: OfficeContext, desk: DeskWindow, log_in: LogIn
) -> None:
    office.accounts.add(office.system, "hassan", Role.SUPERVISOR, "long-password-1")
    log_in(desk, "hassan", "long-password-1")
    assert desk.main_page is not None
    assert not desk.main_page.cases_page.search.merge_button.isHidden()
    desk.on_logout_requested()
    log_in(desk, *OFFICER)
    assert desk.main_page is not None
    assert desk.main_page.cases_page.search.merge_button.isHidden()
