"""Merging two records of one person: both side by side, the supervisor chooses the one kept.

The dialog only asks; the search page runs the merge on the worker. Tests replace
:meth:`MergeDialog.ask`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.directory.profile import commune_label
from kiosk.forms.countries import country_name
from kiosk.i18n import Translator
from ui.accessibility import choice_name, name_widget
from ui.intake_duplicates import display_name
from ui.language import LanguageState
from ui.styles import named

ROWS = ("name", "birth_year", "nationality", "phone", "commune", "cases")


def _vertical(row: str) -> Qt.AlignmentFlag:
    # Arabic and Tifinagh lines are taller than Latin ones: centre one-line rows so that a
    # caption and its values line up; the case list (several lines) starts at the top.
    return Qt.AlignmentFlag.AlignTop if row == "cases" else Qt.AlignmentFlag.AlignVCenter


def person_cells(person: dict[str, Any], tr: Translator, language: str) -> dict[str, str]:
    """What the dialog shows of one person, row by row ("—" when unknown)."""
    cases = [
        f"\u2066{case['code']}\u2069 ({tr('desk.case.status_' + case['status'])})"
        for case in person.get("cases", [])
    ]
    nationality = person.get("nationality")
    values = {
        "name": display_name(person, tr),
        "birth_year": str(person.get("birth_year") or ""),
        "nationality": country_name(nationality, language) if nationality else "",
        "phone": "\u2066" + person["phone"] + "\u2069" if person.get("phone") else "",
        "commune": commune_label(person["commune"], language) if person.get("commune") else "",
        "cases": "\n".join(cases),
    }
    return {row: value or "—" for row, value in values.items()}


class MergeDialog(QDialog):
    """Two persons side by side; which one is kept, and a plain warning of what follows."""

    def __init__(
        self,
        language: LanguageState,
        first: dict[str, Any],
        second: dict[str, Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        tr = self._tr = language.translator
        self.persons = (first, second)
        self.setWindowTitle(tr("desk.merge.title"))
        self.setLayoutDirection(language.direction)
        self.intro_label = named(QLabel(tr("desk.merge.intro"), wordWrap=True), "mergeIntro")
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        self.keep_group = QButtonGroup(self)
        self.keep_buttons: list[QRadioButton] = []
        self.cells: list[dict[str, QLabel]] = []
        for column, person in enumerate(self.persons, start=1):
            button = named(QRadioButton(tr("desk.merge.keep")), f"mergeKeep{column}")
            self.keep_group.addButton(button, column - 1)
            self.keep_buttons.append(button)
            grid.addWidget(button, 0, column)
            labels = {}
            for row, (key, text) in enumerate(
                person_cells(person, tr, language.code).items(), start=1
            ):
                label = QLabel(text, wordWrap=True)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                label.setAlignment(_vertical(key) | language.leading_edge)
                grid.addWidget(label, row, column)
                labels[key] = label
            self.cells.append(labels)
            name_widget(button, choice_name(tr, tr("desk.merge.keep"), labels["name"].text()))
            grid.setColumnStretch(column, 1)
        for row, key in enumerate(ROWS, start=1):
            caption = tr("desk.merge.commune" if key == "commune" else f"desk.cases.column_{key}")
            grid.addWidget(named(QLabel(caption), "fieldLabel"), row, 0, _vertical(key))
        self.summary_label = named(QLabel(tr("desk.merge.choose"), wordWrap=True), "mergeSummary")
        self.warning_label = named(QLabel(tr("desk.merge.warning"), wordWrap=True), "mergeWarning")
        box = QDialogButtonBox()
        self.merge_button: QPushButton = box.addButton(
            tr("desk.merge.confirm"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.merge_button.setObjectName("mergeConfirm")
        self.merge_button.setEnabled(False)
        box.addButton(tr("desk.case.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(grid)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.warning_label)
        layout.addWidget(box)
        self.keep_group.idToggled.connect(self.on_keep_toggled)
        self.setMinimumWidth(640)

    def choose(self, index: int) -> None:
        """Keep the person in column ``index`` (0 or 1), as a click on its button would."""
        self.keep_buttons[index].setChecked(True)

    def on_keep_toggled(self, *_: object) -> None:
        """Say who is merged into whom; allow the merge once a choice is made."""
        choice = self.answer()
        self.merge_button.setEnabled(choice is not None)
        if choice is None:
            return
        kept, merged = (self.persons[0], self.persons[1])
        if choice[0] != kept["person_id"]:
            kept, merged = merged, kept
        self.summary_label.setText(
            self._tr(
                "desk.merge.summary",
                merged="\u2068" + display_name(merged, self._tr) + "\u2069",
                kept="\u2068" + display_name(kept, self._tr) + "\u2069",
            )
        )

    def answer(self) -> tuple[str, str] | None:
        """``(keep_id, merged_id)``, or None while no person is chosen."""
        index = self.keep_group.checkedId()
        if index not in (0, 1):
            return None
        return self.persons[index]["person_id"], self.persons[1 - index]["person_id"]

    @classmethod
    def ask(
        cls,
        parent: QWidget,
        language: LanguageState,
        first: dict[str, Any],
        second: dict[str, Any],
    ) -> tuple[str, str] | None:
        """``(keep_id, merged_id)`` confirmed, or None when cancelled."""
        dialog = cls(language, first, second, parent)
        return dialog.answer() if dialog.exec() else None
