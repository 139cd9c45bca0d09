"""The intake wizard: pages, checks as you go, refusal, drafts, duplicates, the save."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

import ui.intake_wizard
from db.cases import Case, Intake, IntakeDraft, Person, PersonChange
from kiosk.cases.drafts import DraftState, load_draft
from kiosk.cases.intake import person_answers
from kiosk.office import OfficeContext
from kiosk.queue.service import QueueService, TicketRequest
from ui.consent_notice import ConsentNoticeDialog, notice_html
from ui.desk_home import HomePage
from ui.desk_pages import MainPage
from ui.intake_wizard import IntakeWizard
from ui.language import LanguageState
from ui.person_reuse import PersonReuseDialog
from ui.tasks import Tasks

from .case_helpers import (
    AICHA,
    core_intake,
    fill_all,
    fill_person,
    fill_section,
    next_page,
    officer,
    save,
    set_answer,
)

MakeWizard = Callable[..., IntakeWizard]


@pytest.fixture
def make_wizard(qtbot: QtBot, office: OfficeContext, tasks: Tasks) -> MakeWizard:
    """A wizard on a new intake, shown, in the officer's language ``language``."""

    def make(language: str = "fr") -> IntakeWizard:
        state = LanguageState(office.catalog, language)
        wizard = IntakeWizard(office, state, officer(office), tasks)
        wizard.language_state = state  # type: ignore[attr-defined]  # keep it alive
        qtbot.addWidget(wizard)
        wizard.resize(1100, 760)
        wizard.show()
        return wizard

    return make


def count(office: OfficeContext, model: type) -> int:
    with office.store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_full_intake_saves_a_case_with_the_person(
    qtbot: QtBot, office: OfficeContext, make_wizard: MakeWizard
) -> None:
    wizard = make_wizard()
    assert wizard.progress_label.text().startswith("Étape 1 sur")
    assert not wizard.back_button.isEnabled() and not wizard.save_button.isVisible()
    fill_all(qtbot, wizard, AICHA)
    assert wizard.progress_label.text() == "Étape 4 sur 4 : Besoins"
    assert wizard.progress_bar.value() == wizard.progress_bar.maximum() == 4

    saved = save(qtbot, wizard)

    assert saved.case_id is not None and saved.case_code
    with office.store.session() as session:
        case = session.get(Case, saved.case_id)
        person = session.get(Person, case.person_id)
        assert (person.given_name, person.family_name) == ("Aïcha", "Diallo")
        assert (person.phone, person.nationality, person.birth_year) == (
            "+212612345678",
            "SN",
            1990,
        )
    assert count(office, Intake) == 1


def test_next_is_blocked_and_the_message_names_the_field_in_french_and_arabic(
    qtbot: QtBot, office: OfficeContext, make_wizard: MakeWizard
) -> None:
    wizard = make_wizard()
    assert not wizard.go_next()  # nothing answered on the consent page
    assert wizard.current_section == 0
    assert wizard.message == "Corrigez les champs signalés en rouge avant de continuer."
    assert "Accepte qu'un dossier soit gardé au bureau" in wizard.fields["consent.record"].error

    fill_section(wizard, AICHA)
    assert wizard.go_next()
    fill_section(wizard, {**AICHA, "person.given_name": ""})
    assert not wizard.go_next()
    assert wizard.current_section == 1
    error = wizard.fields["person.given_name"].error
    assert "Prénom ou nom d'usage" in error
    assert wizard.fields["person.given_name"].error_label.isVisible()

    wizard.language_state.set_language("ar")  # type: ignore[attr-defined]
    assert "الاسم الشخصي أو الاسم المتداول" in wizard.fields["person.given_name"].error
    assert wizard.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert wizard.next_button.text() == "التالي"

    set_answer(wizard, "person.given_name", "Aïcha")  # fixing the field clears its error
    assert wizard.fields["person.given_name"].error == ""
    next_page(qtbot, wizard)


def test_a_field_is_checked_when_the_officer_leaves_it(make_wizard: MakeWizard) -> None:
    wizard = make_wizard()
    fill_section(wizard, AICHA)
    wizard.go_next()
    set_answer(wizard, "person.birth_year", "1850")
    assert wizard.fields["person.birth_year"].error == ""  # not while typing
    wizard.fields["person.birth_year"].edit.editingFinished.emit()
    assert "Année de naissance" in wizard.fields["person.birth_year"].error
    set_answer(wizard, "person.phone", "12")
    wizard.fields["person.phone"].edit.editingFinished.emit()
    assert "Téléphone" in wizard.fields["person.phone"].error


def test_a_refusal_asks_only_the_anonymous_fields_and_saves_no_person(
    qtbot: QtBot, office: OfficeContext, make_wizard: MakeWizard
) -> None:
    wizard = make_wizard()
    set_answer(wizard, "consent.record", False)
    assert wizard.fields["consent.share"].isHidden()
    assert not wizard.anonymous_label.isHidden()
    assert wizard.go_next()
    shown = [w.key for w in wizard.pages[wizard.current_section].fields if not w.isHidden()]
    assert shown == ["person.category", "person.sex", "person.age_band"]
    fill_all(qtbot, wizard, {**AICHA, "person.age_band": "30-44"})
    assert wizard.progress_label.text().startswith("Étape 3 sur 3")  # no household page

    saved = save(qtbot, wizard)

    assert saved.case_id is None and saved.person_id is None
    assert count(office, Person) == 0 and count(office, Intake) == 1


def test_the_consent_notice_is_in_the_visitors_language(
    monkeypatch: pytest.MonkeyPatch, office: OfficeContext, make_wizard: MakeWizard
) -> None:
    asked: list[tuple[str, str]] = []
    monkeypatch.setattr(
        ConsentNoticeDialog, "ask", classmethod(lambda cls, p, c, v, o, **_: asked.append((v, o)))
    )
    wizard = make_wizard()
    combo = wizard.consent_tools.language_combo
    combo.setCurrentIndex(combo.findData("ar"))
    wizard.consent_tools.notice_button.click()
    assert asked == [("ar", "fr")]
    text = notice_html(office.catalog, "ar")
    assert 'dir="rtl"' in text and "09-08" in text and "معطياتك" in text
    assert "ⵜⵉⵙⴼⴽⴰ" in notice_html(office.catalog, "zgh")
    assert "24 شهرا" in text  # written from the inventory (tests/unit/kiosk/test_privacy_notice.py)


def test_the_keyboard_moves_between_pages(qtbot: QtBot, make_wizard: MakeWizard) -> None:
    wizard = make_wizard()
    with qtbot.waitActive(wizard):
        wizard.activateWindow()
    fill_section(wizard, AICHA)
    method = wizard.fields["consent.method"]
    method.focus_input()
    assert "PgDown" in wizard.next_button.toolTip()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert wizard.current_section == 1
    assert wizard.fields["person.category"].isAncestorOf(QApplication.focusWidget())
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp)
    assert wizard.current_section == 0
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert wizard.current_section == 1
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageDown)  # blocked: nothing answered
    assert wizard.current_section == 1 and wizard.message


def test_a_draft_survives_the_wizard_and_resumes_from_home(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui.intake_wizard, "DRAFT_DELAY_MS", 20)
    state = LanguageState(office.catalog, "fr")
    main = MainPage(office, state, officer(office), tasks)
    qtbot.addWidget(main)
    wizard = main.start_intake()
    fill_section(wizard, AICHA)
    wizard.go_next()
    qtbot.waitUntil(lambda: tasks.pending == 0)  # the draft written on changing page
    with qtbot.waitSignal(wizard.draft_saved, timeout=5000):
        set_answer(wizard, "person.given_name", "Aïcha")
    main.deleteLater()  # as if the desk crashed
    qtbot.waitUntil(lambda: tasks.pending == 0)

    fresh = MainPage(office, state, officer(office), tasks)
    qtbot.addWidget(fresh)
    fresh.show()  # the home page reads its lists when shown
    home = fresh.pages.currentWidget()
    assert isinstance(home, HomePage)
    qtbot.waitUntil(lambda: home.lists["drafts"].item(0).data(Qt.ItemDataRole.UserRole) is not None)
    assert "Aïcha" in home.lists["drafts"].item(0).text()
    with qtbot.waitSignal(fresh.cases_page.wizard_started, timeout=5000) as blocker:
        home.lists["drafts"].itemActivated.emit(home.lists["drafts"].item(0))
    resumed: IntakeWizard = blocker.args[0]
    assert resumed.current_section == 1
    assert resumed.fields["person.given_name"].value() == "Aïcha"
    assert resumed.fields["consent.record"].value() is True
    assert fresh.sections[fresh.navigation.currentRow()] == "cases"


AICHA_AGAIN = {**AICHA, "person.given_name": "Aicha", "person.phone": ""}


def test_the_likely_same_persons_show_when_the_officer_leaves_the_person_page(
    qtbot: QtBot, office: OfficeContext, make_wizard: MakeWizard
) -> None:
    first = core_intake(office)
    wizard = make_wizard()
    fill_person(qtbot, wizard, AICHA_AGAIN)
    with qtbot.waitSignal(wizard.duplicates_shown, timeout=5000):
        wizard.next_button.click()
    assert wizard.current_section == wizard.person_section  # not at the final Save
    assert wizard.duplicates.isVisible()
    assert "Diallo" in wizard.duplicates.list.item(0).text()
    assert wizard.duplicates.use_button.text() == "Utiliser cette personne"

    wizard.duplicates.new_button.click()
    assert wizard.current_section == wizard.person_section + 1
    shown: list[int] = []
    wizard.duplicates_shown.connect(shown.append)
    fill_all(qtbot, wizard, AICHA_AGAIN)
    saved = save(qtbot, wizard)
    assert not shown  # Save does not ask again about the same answers
    assert saved.person_id not in (None, first.person_id) and count(office, Person) == 2


Asked = list[tuple[dict[str, Any], list[dict[str, Any]]]]


def _answer_reuse(monkeypatch: pytest.MonkeyPatch, picked: set[str] | None) -> Asked:
    """Replace the reuse dialog by an officer who picks ``picked``; returns what it showed."""
    asked: Asked = []

    def ask(cls: type, _parent: object, _language: object, _form: object, *shown: Any) -> Any:
        person, rows = shown
        asked.append((person, rows))
        return picked

    monkeypatch.setattr(PersonReuseDialog, "ask", classmethod(ask))
    return asked


def test_using_a_known_person_changes_only_the_fields_picked_side_by_side(
    qtbot: QtBot, office: OfficeContext, make_wizard: MakeWizard, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = core_intake(office)
    asked = _answer_reuse(monkeypatch, {"given_name_ar", "commune"})
    answers = {**AICHA_AGAIN, "person.given_name_ar": "عائشة", "person.commune": "Ouijjane"}
    wizard = make_wizard()
    fill_person(qtbot, wizard, answers)
    with qtbot.waitSignal(wizard.duplicates_shown, timeout=5000):
        wizard.next_button.click()
    wizard.duplicates.use_button.click()
    qtbot.waitUntil(lambda: wizard.current_section == wizard.person_section + 1, timeout=5000)

    ((person, rows),) = asked
    assert person["person_id"] == str(first.person_id)
    assert rows == [  # the phone left empty is no difference: it never erases
        {"field": "given_name", "existing": "Aïcha", "new": "Aicha"},
        {"field": "given_name_ar", "existing": "", "new": "عائشة"},
        {"field": "commune", "existing": "09.541.01.11", "new": "09.581.11.09"},  # HCP codes
    ]
    assert wizard.fields["person.given_name"].value() == "Aïcha"  # the record's, kept
    assert wizard.title_label.text() == "Nouvel entretien : personne déjà connue"
    assert count(office, PersonChange) == 0  # nothing is written before Save

    fill_all(qtbot, wizard, answers)
    saved = save(qtbot, wizard)
    assert len(asked) == 1  # what was picked is not asked again at Save
    assert saved.person_id == first.person_id and count(office, Person) == 1
    with office.store.session() as session:
        kept = session.get(Person, first.person_id)
        change = session.scalars(select(PersonChange)).one()
    assert (kept.given_name, kept.given_name_ar) == ("Aïcha", "عائشة")
    assert (kept.commune, kept.phone) == ("09.581.11.09", "+212612345678")  # Ouijjane
    assert (change.fields, change.author) == ("given_name_ar commune", "amina")


def test_cancelling_the_reuse_changes_nothing_and_stays_on_the_person_page(
    qtbot: QtBot, office: OfficeContext, make_wizard: MakeWizard, monkeypatch: pytest.MonkeyPatch
) -> None:
    core_intake(office)
    _answer_reuse(monkeypatch, None)
    wizard = make_wizard()
    fill_person(qtbot, wizard, AICHA_AGAIN)
    with qtbot.waitSignal(wizard.duplicates_shown, timeout=5000):
        wizard.next_button.click()
    wizard.duplicates.use_button.click()
    qtbot.waitUntil(lambda: not wizard.busy, timeout=5000)
    assert wizard.current_section == wizard.person_section
    assert wizard.state.person_id is None and wizard.duplicates.isVisible()
    assert wizard.message.startswith("Rien n'a changé dans la fiche.")
    assert wizard.fields["person.given_name"].value() == "Aicha"


def test_a_known_persons_answer_changed_on_a_new_visit_is_asked_about_too(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = core_intake(office)
    assert first.person_id is not None
    asked = _answer_reuse(monkeypatch, {"phone"})
    state = LanguageState(office.catalog, "fr")
    draft = DraftState(uuid.uuid4(), {}, 0, person_id=first.person_id)
    wizard = IntakeWizard(office, state, officer(office), tasks, draft)
    qtbot.addWidget(wizard)
    wizard.prefill(person_answers(office, str(first.person_id)))
    fill_person(qtbot, wizard, {**AICHA, "person.phone": "0700000000"})
    next_page(qtbot, wizard)
    assert [row["field"] for _, rows in asked for row in rows] == ["phone"]
    fill_all(qtbot, wizard, AICHA)
    save(qtbot, wizard)
    with office.store.session() as session:
        assert session.get(Person, first.person_id).phone == "+212700000000"
        assert session.scalars(select(PersonChange.fields)).all() == ["phone"]


def test_an_intake_from_the_served_ticket_records_it_and_opens_the_case(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    ticket = QueueService.for_office(office).take(office.system, TicketRequest(reason="health"))
    main = MainPage(office, LanguageState(office.catalog, "fr"), officer(office), tasks)
    qtbot.addWidget(main)
    wizard = main.start_intake(ticket_id=ticket.ticket.id)
    assert main.sections[main.navigation.currentRow()] == "cases"
    fill_all(qtbot, wizard, AICHA)
    case_page = main.cases_page.case_page
    with qtbot.waitSignal(case_page.case_loaded, timeout=5000):
        wizard.save_button.click()
    assert main.cases_page.stack.currentWidget() is case_page
    assert "Aïcha Diallo" in case_page.header_label.text()
    assert main.cases_page.notice_label.text().startswith("Entretien enregistré : dossier C-")
    with office.store.session() as session:
        assert session.scalar(select(Intake.ticket_id)) == ticket.ticket.id


def test_the_kiosks_language_and_reason_come_with_the_ticket(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    """A ticket taken in Arabic for health: the consent notice opens in Arabic, the
    preferred language is Arabic and the need is ticked, for the officer to confirm."""
    request = TicketRequest(reason="health", language="ar")
    ticket = QueueService.for_office(office).take(office.system, request)
    main = MainPage(office, LanguageState(office.catalog, "fr"), officer(office), tasks)
    qtbot.addWidget(main)
    wizard = main.start_intake(ticket_id=ticket.ticket.id)
    qtbot.waitUntil(lambda: wizard.consent_tools.visitor_language == "ar")
    assert wizard.fields["person.language"].value() == "ar"
    assert wizard.fields["needs"].value() == ["health"]


def test_enter_on_the_duplicates_uses_the_person_chosen_or_creates_a_new_one(
    qtbot: QtBot, office: OfficeContext, make_wizard: MakeWizard, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = core_intake(office)
    _answer_reuse(monkeypatch, set())  # the record keeps all it has
    wizard = make_wizard()
    with qtbot.waitActive(wizard):
        wizard.activateWindow()
    fill_person(qtbot, wizard, AICHA_AGAIN)
    with qtbot.waitSignal(wizard.duplicates_shown, timeout=5000):
        wizard.next_button.click()
    assert QApplication.focusWidget() is wizard.duplicates.list
    qtbot.keyClick(wizard.duplicates.list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: wizard.current_section == wizard.person_section + 1, timeout=5000)
    fill_all(qtbot, wizard, AICHA_AGAIN)
    assert save(qtbot, wizard).person_id == first.person_id

    other = make_wizard()
    with qtbot.waitActive(other):
        other.activateWindow()
    fill_person(qtbot, other, AICHA_AGAIN)
    with qtbot.waitSignal(other.duplicates_shown, timeout=5000):
        other.next_button.click()
    other.duplicates.new_button.setFocus()
    qtbot.keyClick(other.duplicates.new_button, Qt.Key.Key_Return)
    assert other.current_section == other.person_section + 1
    fill_all(qtbot, other, AICHA_AGAIN)
    assert save(qtbot, other).person_id not in (None, first.person_id)


def test_typing_while_the_intake_saves_leaves_no_draft_behind(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui.intake_wizard, "DRAFT_DELAY_MS", 10)
    disk_ready = threading.Event()
    save_intake = ui.intake_wizard.save_intake

    def save_on_a_busy_disk(*args: Any) -> Any:
        disk_ready.wait(5)  # the draft timer runs out while the intake is being saved
        return save_intake(*args)

    monkeypatch.setattr(ui.intake_wizard, "save_intake", save_on_a_busy_disk)
    state = LanguageState(office.catalog, "fr")
    wizard = IntakeWizard(office, state, officer(office), tasks)
    qtbot.addWidget(wizard)
    fill_all(qtbot, wizard, {**AICHA, "person.given_name": "Unique", "person.family_name": "Nom"})
    qtbot.waitUntil(lambda: tasks.pending == 0)
    wizard.save_button.click()  # no duplicate: the intake goes to the worker
    qtbot.waitUntil(lambda: wizard.message == state.translator("desk.intake.saving"))
    set_answer(wizard, "household.size", "4")
    qtbot.wait(100)  # ten times the draft delay
    with qtbot.waitSignal(wizard.intake_saved, timeout=5000):
        disk_ready.set()
    qtbot.waitUntil(lambda: tasks.pending == 0)
    assert count(office, IntakeDraft) == 0


def test_a_refusal_keeps_no_name_in_the_draft(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, make_wizard: MakeWizard
) -> None:
    wizard = make_wizard()
    fill_section(wizard, AICHA)
    assert wizard.go_next()
    fill_section(wizard, AICHA)  # the name is typed, then the visitor refuses a record
    wizard.go_back()
    qtbot.waitUntil(lambda: tasks.pending == 0)  # the drafts written on changing page
    with qtbot.waitSignal(wizard.draft_saved, timeout=5000):
        set_answer(wizard, "consent.record", False)
        wizard.save_draft_now()
    draft = load_draft(office.store, wizard.draft_id)
    assert draft is not None and draft.answers["consent.record"] is False
    assert not any(key.startswith("person.given") for key in draft.answers)
    assert "person.family_name" not in draft.answers and "person.phone" not in draft.answers
    set_answer(wizard, "consent.record", True)  # a change of mind: what was typed is still there
    assert wizard.fields["person.given_name"].value() == "Aïcha"


def test_the_draft_cannot_be_discarded_while_the_intake_saves(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, monkeypatch: pytest.MonkeyPatch
) -> None:
    disk_ready = threading.Event()
    save_intake = ui.intake_wizard.save_intake

    def save_on_a_busy_disk(*args: Any) -> Any:
        disk_ready.wait(5)
        return save_intake(*args)

    monkeypatch.setattr(ui.intake_wizard, "save_intake", save_on_a_busy_disk)
    state = LanguageState(office.catalog, "fr")
    wizard = IntakeWizard(office, state, officer(office), tasks)
    qtbot.addWidget(wizard)
    fill_all(qtbot, wizard, {**AICHA, "person.given_name": "Unique", "person.family_name": "Nom"})
    abandoned: list[bool] = []
    wizard.intake_abandoned.connect(lambda: abandoned.append(True))
    wizard.save_button.click()
    qtbot.waitUntil(lambda: wizard.message == state.translator("desk.intake.saving"))
    assert not wizard.discard_button.isEnabled()
    wizard.on_discard_clicked()  # the case is being written: "discard" would lie
    with qtbot.waitSignal(wizard.intake_saved, timeout=5000):
        disk_ready.set()
    assert not abandoned and count(office, Case) == 1


def test_an_intake_with_answers_is_abandoned_only_once_confirmed(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = LanguageState(office.catalog, "fr")
    wizard = IntakeWizard(office, state, officer(office), tasks)
    qtbot.addWidget(wizard)
    asked: list[bool] = []
    abandoned: list[bool] = []
    wizard.intake_abandoned.connect(lambda: abandoned.append(True))
    monkeypatch.setattr(IntakeWizard, "ask_discard", lambda *_: asked.append(True) or False)
    wizard.on_discard_clicked()  # nothing typed yet: no question
    qtbot.waitUntil(lambda: abandoned == [True])  # once the draft is gone
    assert asked == []

    wizard = IntakeWizard(office, state, officer(office), tasks)
    qtbot.addWidget(wizard)
    wizard.intake_abandoned.connect(lambda: abandoned.append(True))
    fill_section(wizard, AICHA)
    wizard.on_discard_clicked()  # the officer says no
    assert asked == [True] and abandoned == [True] and not wizard.finished
    monkeypatch.setattr(IntakeWizard, "ask_discard", lambda *_: True)
    wizard.on_discard_clicked()
    qtbot.waitUntil(lambda: abandoned == [True, True])
    assert wizard.finished


def test_a_draft_that_cannot_be_dropped_keeps_the_wizard_open_and_says_so(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = LanguageState(office.catalog, "fr")
    wizard = IntakeWizard(office, state, officer(office), tasks)
    qtbot.addWidget(wizard)
    abandoned: list[bool] = []
    wizard.intake_abandoned.connect(lambda: abandoned.append(True))

    def disk_full(*_: object) -> None:
        raise OSError("database or disk is full")

    monkeypatch.setattr(ui.intake_wizard, "discard_draft", disk_full)
    wizard.on_discard_clicked()
    qtbot.waitUntil(lambda: "supprimé" in wizard.draft_label.text())
    said = wizard.draft_label.text()
    assert said.startswith("Le brouillon n'a pas pu être supprimé") and "disque" in said
    assert abandoned == [] and not wizard.finished


def test_a_nationality_is_found_without_accents_and_in_any_of_the_four_languages(
    qtbot: QtBot, make_wizard: MakeWizard
) -> None:
    """The directory's matching (case, accents, Arabic letter forms): "erythree",
    "ÉRYTHRÉE" and "إريتريا" find their country on a French desk, shown in French."""
    wizard = make_wizard("fr")
    combo = wizard.fields["person.nationality"].combo  # type: ignore[attr-defined]
    completer = combo.completer()
    found = {}
    for typed in ("erythree", "ÉRYTHRÉE", "إريتريا", "maroc", "المغرب"):
        completer.setCompletionPrefix(typed)
        found[typed] = completer.currentCompletion() if completer.completionCount() else None
    assert found["erythree"] == found["ÉRYTHRÉE"] == found["إريتريا"] == "Érythrée (ER)"
    assert found["maroc"] == found["المغرب"] == "Maroc"


def test_every_nationality_is_offered_in_the_officers_language(
    qtbot: QtBot, make_wizard: MakeWizard
) -> None:
    wizard = make_wizard("ar")
    field = wizard.fields["person.nationality"]
    combo = field.combo  # type: ignore[attr-defined]
    texts = [combo.itemText(index) for index in range(combo.count())]
    assert texts[0] == "المغرب"
    assert "إريتريا (ER)" in texts and "Eritrea (ER)" not in texts
    wizard.language_state.set_language("fr")  # type: ignore[attr-defined]
    texts = [combo.itemText(index) for index in range(combo.count())]
    assert "Érythrée (ER)" in texts
    assert texts.index("Érythrée (ER)") < texts.index("Estonie (EE)")  # É sorts as E in French


def test_the_commune_picker_finds_a_commune_by_any_name_and_keeps_its_hcp_code(
    qtbot: QtBot, make_wizard: MakeWizard
) -> None:
    """An Arabic desk lists the 175 communes of Souss-Massa in Arabic; "Taroudant" (a
    spelling other than HCP's "Taroudannt") and "ait melloul" find theirs; the field's value
    is the code, shown in the desk's language, and follows a change of language."""
    wizard = make_wizard("ar")
    field = wizard.fields["person.commune"]
    combo = field.combo  # type: ignore[attr-defined]
    texts = [combo.itemText(index) for index in range(combo.count())]
    assert len(texts) == 175 and "تارودانت" in texts and "Taroudannt" not in texts
    completer = combo.completer()
    found = {}
    for typed in ("Taroudant", "ait melloul", "آيت ملول"):
        completer.setCompletionPrefix(typed)
        found[typed] = completer.currentCompletion() if completer.completionCount() else None
    assert found == {"Taroudant": "تارودانت", "ait melloul": "آيت ملول", "آيت ملول": "آيت ملول"}
    field.set_value("09.541.01.13")
    assert combo.currentText() == "تارودانت" and field.value() == "09.541.01.13"
    wizard.language_state.set_language("fr")  # type: ignore[attr-defined]
    assert combo.currentText() == "Taroudannt" and field.value() == "09.541.01.13"
    field.set_value("Marrakech")  # a commune elsewhere stays as typed
    assert field.value() == "Marrakech"
