"""The Cases section: person search, the case page and its timeline, referrals from a case."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.cases import PersonChange, Referral, ReferralState
from db.uow import Actor
from kiosk.cases import work
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.cases.referrals import ReferralError
from kiosk.clock import office_time
from kiosk.directory.importer import import_directory
from kiosk.directory_cli import demo_directory
from kiosk.office import OfficeContext
from ui.case_dialogs import CloseCaseDialog, HoldDialog, OutcomeDialog, RestrictDialog
from ui.case_page import CasePage
from ui.desk_cases import CasesPage
from ui.language import LanguageState
from ui.referral_dialog import ReferralDialog
from ui.tasks import Tasks

from .case_helpers import AICHA, core_intake, officer


def make_cases(
    qtbot: QtBot,
    office: OfficeContext,
    tasks: Tasks,
    language: str = "fr",
    actor: Actor | None = None,
) -> CasesPage:
    state = LanguageState(office.catalog, language)
    page = CasesPage(office, state, actor or officer(office), tasks)
    page.language_state = state  # type: ignore[attr-defined]  # keep it alive
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    return page


def open_case(qtbot: QtBot, page: CasesPage, case_id: str) -> CasePage:
    with qtbot.waitSignal(page.case_page.case_loaded, timeout=5000):
        page.open_case(case_id)
    qtbot.waitUntil(lambda: page._tasks.pending == 0)  # no read still on its way
    return page.case_page


def timeline(page: CasePage) -> list[tuple[str, str]]:
    items = [page.timeline.topLevelItem(i) for i in range(page.timeline.topLevelItemCount())]
    return [(item.text(1), item.text(2)) for item in items]


def test_the_search_finds_a_person_by_name_and_opens_their_case(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    saved = core_intake(office)
    page = make_cases(qtbot, office, tasks)
    with qtbot.waitSignal(page.search.results_shown, timeout=5000):
        page.search.search_edit.setText("aicha dialo")
    qtbot.waitUntil(lambda: not page.search.searching)
    row = [page.search.table.item(0, c).text() for c in range(5)]
    assert row == ["Aïcha Diallo", "1990", "Sénégal", "\u2066+212612345678\u2069", saved.case_code]
    with qtbot.waitSignal(page.case_page.case_loaded, timeout=5000):
        page.search.open_button.click()
    assert page.stack.currentWidget() is page.case_page
    with qtbot.waitSignal(page.wizard_started) as blocker:
        page.case_page.intake_button.click()
    wizard = blocker.args[0]
    assert wizard.state.person_id == saved.person_id
    assert wizard.title_label.text() == "Nouvel entretien : personne déjà connue"
    qtbot.waitUntil(lambda: wizard.fields["person.given_name"].value() == "Aïcha")  # pre-filled
    assert wizard.fields["person.nationality"].value() == "SN"


def test_the_case_page_shows_the_timeline_and_a_note_added(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = core_intake(office)
    page = open_case(qtbot, make_cases(qtbot, office, tasks), str(saved.case_id))
    header = page.header_label.text().replace("\u2068", "").replace("\u2069", "")
    assert header == f"Dossier {saved.case_code} — Aïcha Diallo (ouvert)"
    needs = [page.needs.item(i).text() for i in range(page.needs.count())]
    assert needs == ["État civil — ouvert", "Santé — ouvert"]
    assert [what for what, _ in timeline(page)] == ["Dossier ouvert", "Visite", "Entretien"]
    assert "Rien de sensible" in page.reminder_label.text()

    page.entry_kind.setCurrentIndex(1)  # a short note
    page.entry_edit.setText("Doit revenir avec l'acte de naissance")
    with qtbot.waitSignal(page.case_loaded, timeout=5000):
        page.entry_button.click()
    assert ("Note", "Doit revenir avec l'acte de naissance") in timeline(page)
    assert page.message == "Ajouté à l'historique."

    page.step_edit.setText("Rappeler pour le rendez-vous")
    with qtbot.waitSignal(page.case_loaded, timeout=5000):
        page.step_button.click()
    assert "Rappeler pour le rendez-vous" in page.steps.item(0).text()
    page.steps.setCurrentRow(0)
    with qtbot.waitSignal(page.case_loaded, timeout=5000):
        page.step_done_button.click()
    assert ("Étape faite", "Rappeler pour le rendez-vous") in timeline(page)

    monkeypatch.setattr(CloseCaseDialog, "ask", classmethod(lambda cls, parent, lang: "need_met"))
    with qtbot.waitSignal(page.case_loaded, timeout=5000):
        page.close_button.click()
    assert page.header_label.text().endswith("(clos)")
    assert timeline(page)[-1] == ("Dossier clos", "besoin satisfait")
    assert not page.entry_button.isEnabled() and page.reopen_button.isVisibleTo(page)


@pytest.fixture
def directory_office(office: OfficeContext) -> OfficeContext:
    """The test office with the demo directory."""
    import_directory(office.store, office.system, demo_directory())
    return office


def test_the_referral_dialog_creates_a_referral_and_prints_its_slip(
    qtbot: QtBot,
    directory_office: OfficeContext,
    tasks: Tasks,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    printer = f"file:{tmp_path / 'printer.bin'}"
    directory_office.settings.set(directory_office.system, "printer.uri", printer)
    saved = core_intake(directory_office)
    page = open_case(qtbot, make_cases(qtbot, directory_office, tasks), str(saved.case_id))
    page.refer_button.click()
    dialog = page.referral_dialog
    assert isinstance(dialog, ReferralDialog)
    assert dialog.need_combo.currentData() == "civil_registration"
    assert dialog.directory.category_combo.currentData() == "civil_registration"
    assert dialog.directory.eligible_combo.currentData() == "rpt"
    assert dialog.consent_label.text().startswith("✓")
    qtbot.waitUntil(lambda: not dialog.directory.searching and dialog.directory.results.count() > 0)
    dialog.directory.results.setCurrentRow(0)
    dialog.priority_buttons["urgent"].setChecked(True)

    with qtbot.waitSignal(dialog.referral_created, timeout=5000) as blocker:
        dialog.create_button.click()
    code = blocker.args[0]
    assert code in dialog.message_label.text()
    with directory_office.store.session() as session:
        referral = session.scalar(select(Referral).where(Referral.code == code))
        assert (referral.need_key, referral.priority.value) == ("civil_registration", "urgent")

    with qtbot.waitSignal(dialog.slip_printed, timeout=10_000):
        dialog.print_button.click()
    assert dialog.message_label.text() == (  # not enrolled yet: the officer is told
        "Fiche envoyée à l'imprimante, sans QR code : l'office n'est pas encore relié au "
        "serveur régional. Le service devra appeler l'office avec le code."
    )
    directory_office.settings.set(directory_office.system, "sync.server_url", "https://r.example")
    with directory_office.store.session() as session:
        state = session.scalar(select(Referral.state).where(Referral.code == code))
    assert state is ReferralState.SENT
    qtbot.waitUntil(lambda: any(code in text for _, text in timeline(page)))
    page.referrals.setCurrentRow(0)  # a reprint from the case page
    page.slip_button.click()
    qtbot.waitUntil(lambda: page.message == "Fiche envoyée à l'imprimante.", timeout=10_000)

    heard = {"state": "declined", "reason": "full", "provided": "", "outcome_on": None}
    monkeypatch.setattr(
        OutcomeDialog,
        "ask",
        classmethod(
            lambda cls, parent, lang, refs: {**heard, "referral_id": refs[0]["referral_id"]}
        ),
    )
    qtbot.waitUntil(lambda: tasks.pending == 0)
    page.outcome_button.click()
    expected = ("Orientation refusée", f"{code} {referral.service_name} — complet — par téléphone")
    qtbot.waitUntil(
        lambda: (
            expected
            in [
                (what, text.replace("\u2068", "").replace("\u2069", ""))
                for what, text in timeline(page)
            ]
        )
    )
    assert page.message == "Retour du service noté."


def test_without_consent_to_share_an_officer_sees_why_and_cannot_refer(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks
) -> None:
    saved = core_intake(directory_office, {**AICHA, "consent.share": False})
    page = open_case(qtbot, make_cases(qtbot, directory_office, tasks), str(saved.case_id))
    page.refer_button.click()
    dialog = page.referral_dialog
    assert isinstance(dialog, ReferralDialog)
    assert "n'a pas accepté le partage" in dialog.consent_label.text()
    assert "superviseur" in dialog.consent_label.text()
    assert not dialog.create_button.isEnabled() and not dialog.override_edit.isVisibleTo(dialog)
    qtbot.waitUntil(lambda: not dialog.directory.searching and dialog.directory.results.count() > 0)
    dialog.directory.results.setCurrentRow(0)
    with pytest.raises(ReferralError, match="consent"):  # and the core refuses it anyway
        work.make_referral(
            directory_office,
            officer(directory_office),
            str(saved.case_id),
            str(dialog.service_id),
            "health",
            "normal",
            "I insist",
        )


def test_a_write_that_ends_after_another_case_is_opened_says_nothing_there(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = core_intake(office)
    second = core_intake(office, {**AICHA, "person.given_name": "Moussa", "person.phone": ""})
    disk_ready = threading.Event()
    write_entry = work.write_entry

    def write_on_a_busy_disk(*args: Any) -> None:
        disk_ready.wait(5)
        write_entry(*args)

    monkeypatch.setattr(work, "write_entry", write_on_a_busy_disk)
    cases = make_cases(qtbot, office, tasks)
    page = open_case(qtbot, cases, str(first.case_id))
    page.entry_edit.setText("Doit revenir lundi")
    page.entry_button.click()
    cases.open_case(str(second.case_id))  # the officer moves on before the write ends
    with qtbot.waitSignal(page.case_loaded, timeout=5000) as loaded:
        disk_ready.set()
    assert loaded.args[0] == str(second.case_id)
    qtbot.waitUntil(lambda: tasks.pending == 0)
    assert page.case_id == str(second.case_id) and "Moussa" in page.header_label.text()
    assert page.message == ""  # "added" belongs to the first case, not this one


def reading_position(label: QLabel, part: str) -> float:
    """Where ``part`` of a label's text is painted, from where its reader starts: from the
    left in a left-to-right label, from the right in a right-to-left one."""
    text = label.text()
    layout = QTextLayout(text, label.font())
    option = QTextOption()
    option.setTextDirection(label.layoutDirection())
    layout.setTextOption(option)
    layout.beginLayout()
    line = layout.createLine()
    line.setLineWidth(100_000)
    layout.endLayout()
    x, _ = line.cursorToX(text.index(part) + len(part) // 2)
    return -x if label.layoutDirection() == Qt.LayoutDirection.RightToLeft else x


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("fr", "\u2068Mohamed Amine Alaoui\u2069 · \u2068محمد أمين العلوي\u2069"),
        ("ar", "\u2067\u2068محمد أمين العلوي\u2069 · \u2068Mohamed Amine Alaoui\u2069\u2069"),
    ],
)
def test_the_desk_shows_the_name_in_latin_and_in_arabic_letters_side_by_side(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, language: str, shown: str
) -> None:
    names = {
        "person.given_name": "Mohamed Amine",
        "person.family_name": "Alaoui",
        "person.given_name_ar": "محمد أمين",
        "person.family_name_ar": "العلوي",
    }
    saved = core_intake(office, {**AICHA, **names})
    page = make_cases(qtbot, office, tasks, language)
    page.language_state.apply_direction(page)  # type: ignore[attr-defined]  # as the desk does
    with qtbot.waitSignal(page.search.results_shown, timeout=5000):
        page.search.search_edit.setText("العلوي")
    qtbot.waitUntil(lambda: not page.search.searching)
    assert page.search.table.item(0, 0).text() == shown
    case = open_case(qtbot, page, str(saved.case_id))
    assert f"\u2068{shown}\u2069" in case.header_label.text()
    # The name in the officer's script is read first, though the header isolates the whole
    # name (the whole-day scenario saw an Arabic header read the Latin name first).
    first, then = ("Mohamed", "محمد") if language == "fr" else ("محمد", "Mohamed")
    header = case.header_label
    assert reading_position(header, first) < reading_position(header, then)


@pytest.mark.parametrize(
    ("language", "commune"), [("fr", "Taliouine"), ("ar", "تالوين"), ("zgh", "ⵜⴰⵍⵉⵡⵉⵏ")]
)
def test_the_case_page_names_the_commune_in_the_officers_script(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, language: str, commune: str
) -> None:
    saved = core_intake(office)  # Aïcha lives in Taliouine
    page = open_case(qtbot, make_cases(qtbot, office, tasks, language), str(saved.case_id))
    facts = page.person_label.text()
    assert commune in facts
    assert language == "fr" or "Taliouine" not in facts


@pytest.mark.parametrize(
    ("language", "what", "detail"),
    [
        ("fr", "Fiche corrigée", "Corrigé par amina, {time} : Prénom (lettres arabes), Téléphone"),
        ("ar", "تصحيح البطاقة", "صححها amina، {time}: الاسم الشخصي (بالحروف العربية)، الهاتف"),
    ],
)
def test_a_correction_of_the_person_shows_on_the_timeline_with_who_and_when(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, language: str, what: str, detail: str
) -> None:
    saved = core_intake(office)
    again = {**AICHA, "person.given_name_ar": "عائشة", "person.phone": "0700000000"}
    update = frozenset({"given_name_ar", "phone"})
    request = IntakeRequest(again, person_id=saved.person_id, update=update)
    submit_intake(office.store, officer(office), request)
    with office.store.session() as session:
        at = session.scalars(select(PersonChange.at)).one()
    page = open_case(qtbot, make_cases(qtbot, office, tasks, language), str(saved.case_id))
    marks = str.maketrans("", "", "\u2066\u2068\u2069")
    shown = [(w, d.translate(marks)) for w, d in timeline(page)]
    assert (what, detail.format(time=office_time(at, "%H:%M"))) in shown


def test_a_rectification_shows_its_reason_on_the_timeline_never_the_values(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    saved = core_intake(office)
    work.rectify(
        office, officer(office), str(saved.person_id), "phone", "0700000000", "à sa demande"
    )
    page = open_case(qtbot, make_cases(qtbot, office, tasks), str(saved.case_id))
    marks = str.maketrans("", "", "\u2066\u2068\u2069")
    (detail,) = [d.translate(marks) for w, d in timeline(page) if w == "Fiche corrigée"]
    assert detail.startswith("Corrigé par amina, ")
    assert detail.endswith(" : Téléphone — raison : à sa demande")
    assert "612345678" not in detail and "700000000" not in detail


def test_a_supervisor_restricts_the_person_and_holds_the_case_from_the_case_page(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = core_intake(office)
    cases = make_cases(qtbot, office, tasks, "fr", actor=office.system)  # an administrator
    page = open_case(qtbot, cases, str(saved.case_id))
    assert page.restrict_button.isVisibleTo(page)
    monkeypatch.setattr(RestrictDialog, "ask", classmethod(lambda *_args: "objection"))
    monkeypatch.setattr(HoldDialog, "ask", classmethod(lambda *_args: "legal_claim"))
    page.restrict_button.click()
    qtbot.waitUntil(lambda: "Fiche limitée (opposition de la personne)" in page.person_label.text())
    page.hold_button.click()
    qtbot.waitUntil(lambda: "Dossier retenu (action en justice)" in page.person_label.text())
    assert page.restrict_button.text() == "Lever la limitation…"
    assert page.hold_button.text() == "Libérer le dossier"
    page.hold_button.click()  # released at once, without a reason
    qtbot.waitUntil(lambda: "Dossier retenu" not in page.person_label.text())


def test_an_officer_has_no_restrict_nor_hold_button(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    saved = core_intake(office)
    page = open_case(qtbot, make_cases(qtbot, office, tasks, "fr"), str(saved.case_id))
    assert not page.restrict_button.isVisibleTo(page)
    assert not page.hold_button.isVisibleTo(page)


def test_a_referral_for_women_s_services_is_proposed_discreet_and_the_officer_may_change_it(
    qtbot: QtBot, directory_office: OfficeContext, tasks: Tasks
) -> None:
    saved = core_intake(directory_office)
    page = open_case(qtbot, make_cases(qtbot, directory_office, tasks), str(saved.case_id))
    page.refer_button.click()
    dialog = page.referral_dialog
    assert isinstance(dialog, ReferralDialog)
    assert not dialog.discreet_check.isChecked()  # civil registration: nothing to hide
    for need, proposed in (("womens_services", True), ("health", False)):
        dialog.need_combo.setCurrentIndex(dialog.need_combo.findData(need))
        assert dialog.discreet_check.isChecked() is proposed
    dialog.need_combo.setCurrentIndex(dialog.need_combo.findData("psychosocial_support"))
    assert dialog.discreet_check.isChecked()
    qtbot.waitUntil(lambda: not dialog.directory.searching and dialog.directory.results.count() > 0)
    dialog.directory.results.setCurrentRow(0)
    with qtbot.waitSignal(dialog.referral_created, timeout=5000) as blocker:
        dialog.create_button.click()
    with directory_office.store.session() as session:
        referral = session.scalar(select(Referral).where(Referral.code == blocker.args[0]))
        assert referral is not None and referral.discreet and referral.service_name


def test_the_person_s_wish_not_to_be_called_is_set_and_undone_on_the_case_page(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    saved = core_intake(office)
    page = open_case(qtbot, make_cases(qtbot, office, tasks, "fr"), str(saved.case_id))
    assert page.no_call_button.text() == "Ne pas appeler ce numéro"
    page.no_call_button.click()
    qtbot.waitUntil(lambda: "ne pas appeler" in page.person_label.text())
    assert page.no_call_button.text() == "Ce numéro peut être appelé"
    page.no_call_button.click()
    qtbot.waitUntil(lambda: "ne pas appeler" not in page.person_label.text())
