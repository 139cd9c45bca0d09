"""Using a known person's record: the record and the intake side by side, field by field."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.forms import load_form
from kiosk.office import OfficeContext
from ui.language import LanguageState
from ui.person_reuse import PersonReuseDialog

PERSON = {
    "person_id": "0190a5c4-0000-7000-8000-000000000001",
    "given_name": "محمد أمين",
    "family_name": "",
    "given_name_ar": "",
    "family_name_ar": "",
}
ROWS = [
    {"field": "given_name", "existing": "محمد أمين", "new": "Mohamed Amine"},
    {"field": "given_name_ar", "existing": "", "new": "محمد أمين"},
    {"field": "nationality", "existing": "MA", "new": "FR"},
    {"field": "language", "existing": "ar", "new": "fr"},
    {"field": "phone", "existing": "+212612345678", "new": "+212700000000"},
    {"field": "disability", "existing": False, "new": True},
]


def _dialog(qtbot: QtBot, office: OfficeContext, language: str) -> PersonReuseDialog:
    state = LanguageState(office.catalog, language)
    dialog = PersonReuseDialog(state, load_form("intake"), PERSON, ROWS)
    dialog.language_state = state  # type: ignore[attr-defined]  # keep it alive
    qtbot.addWidget(dialog)
    return dialog


def _texts(dialog: PersonReuseDialog, field: str) -> tuple[str, str]:
    existing, new = dialog.buttons[field]
    return existing.text(), new.text()


def test_the_record_keeps_its_values_unless_the_officer_picks_the_intakes(
    qtbot: QtBot, office: OfficeContext
) -> None:
    dialog = _dialog(qtbot, office, "fr")
    assert dialog.answer() == {"given_name_ar"}  # the record has none: nothing to keep
    assert dialog.summary_label.text() == "La fiche changera : Prénom (lettres arabes)."
    assert _texts(dialog, "given_name") == ("\u2068محمد أمين\u2069", "\u2068Mohamed Amine\u2069")
    assert _texts(dialog, "given_name_ar") == ("(vide)", "\u2068محمد أمين\u2069")
    assert _texts(dialog, "nationality") == ("Maroc", "France")
    assert _texts(dialog, "language") == ("Arabe ou darija", "Français")
    assert _texts(dialog, "phone") == ("\u2066+212612345678\u2069", "\u2066+212700000000\u2069")
    assert _texts(dialog, "disability") == ("Non", "Oui")

    dialog.choose("given_name", new=True)
    dialog.choose("given_name_ar", new=False)
    assert dialog.answer() == {"given_name"}
    dialog.choose("given_name", new=False)
    assert dialog.answer() == set()
    assert dialog.summary_label.text() == "La fiche ne changera pas."


def test_in_arabic_the_dialog_reads_right_to_left_with_each_name_in_its_own_order(
    qtbot: QtBot, office: OfficeContext
) -> None:
    dialog = _dialog(qtbot, office, "ar")
    assert dialog.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert dialog.windowTitle() == "استعمال بطاقة شخص معروف مسبقا"
    assert "\u2068محمد أمين\u2069" in dialog.intro_label.text()
    assert _texts(dialog, "given_name")[1] == "\u2068Mohamed Amine\u2069"
    assert _texts(dialog, "nationality") == ("المغرب", "فرنسا")
    assert dialog.summary_label.text() == "ستتغير البطاقة: الاسم الشخصي (بالحروف العربية)."


def test_the_dialog_answers_the_fields_picked_once_confirmed_and_none_when_cancelled(
    qtbot: QtBot, office: OfficeContext, monkeypatch: Any
) -> None:
    state = LanguageState(office.catalog, "fr")
    form = load_form("intake")
    for confirmed, answer in ((1, {"given_name_ar"}), (0, None)):
        monkeypatch.setattr(PersonReuseDialog, "exec", lambda self, result=confirmed: result)
        assert PersonReuseDialog.ask(None, state, form, PERSON, ROWS) == answer  # type: ignore[arg-type]
