"""Using a known person's record: what the record holds and what the intake says, side by side.

For each field that differs the officer picks what the record keeps: the record's value by
default, the intake's when the record has none. Nothing changes without the confirmation,
and only the fields picked change (the core's rule, ``kiosk.cases.corrections``); an empty
answer is no difference, so it never erases. The dialog only asks; the wizard saves.
Tests replace :meth:`PersonReuseDialog.ask`.
"""

from __future__ import annotations

from typing import Any

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

from kiosk.cases.intake import PERSON_FIELDS
from kiosk.directory.profile import commune_label
from kiosk.forms import FormDefinition
from kiosk.forms.countries import country_name
from kiosk.i18n import Translator
from ui.accessibility import choice_name, name_widget
from ui.case_page import field_names
from ui.intake_duplicates import display_name
from ui.language import LanguageState, isolate
from ui.styles import named

FORM_KEYS = {column: key for key, column in PERSON_FIELDS.items()}
"""The form's key of each field of a person."""


def value_text(
    form: FormDefinition, field: str, value: object, tr: Translator, language: str
) -> str:
    """A value of a person's field as the officer reads it: a choice by its label, a
    country by its name, a phone left to right, a name isolated in its own direction."""
    if value is None or value == "":
        return tr("desk.reuse.empty")
    item = form.field(FORM_KEYS[field])
    if item.type == "yes_no":
        return tr("desk.yes" if value else "desk.no")
    if item.type == "country":
        return country_name(str(value), language)
    if item.type == "commune":
        return commune_label(str(value), language)
    if item.type == "phone":
        return f"\u2066{value}\u2069"
    for choice in item.choices:
        if choice.value == value:
            return choice.label(language)
    return isolate(str(value))


class PersonReuseDialog(QDialog):
    """The record and the intake side by side, a row a field; which one each field keeps."""

    def __init__(
        self,
        language: LanguageState,
        form: FormDefinition,
        person: dict[str, Any],
        differences: list[dict[str, Any]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        tr = self._tr = language.translator
        self.differences = differences
        self.setWindowTitle(tr("desk.reuse.title"))
        self.setLayoutDirection(language.direction)
        self.intro_label = named(
            QLabel(tr("desk.reuse.intro", name=isolate(display_name(person, tr))), wordWrap=True),
            "reuseIntro",
        )
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        for column, key in enumerate(("field", "existing", "new")):
            grid.addWidget(named(QLabel(tr(f"desk.reuse.{key}")), "reuseHeading"), 0, column)
        self.groups: dict[str, QButtonGroup] = {}
        self.buttons: dict[str, tuple[QRadioButton, QRadioButton]] = {}
        for row, difference in enumerate(differences, start=1):
            field = difference["field"]
            caption = named(QLabel(tr(f"desk.person_field.{field}"), wordWrap=True), "fieldLabel")
            grid.addWidget(caption, row, 0)
            group = QButtonGroup(self)
            pair = []
            for column, side in enumerate(("existing", "new"), start=1):
                text = value_text(form, field, difference[side], tr, language.code)
                button = named(QRadioButton(text), f"reuse_{side}_{field}")
                which = choice_name(tr, tr(f"desk.reuse.{side}"), text)  # "on the record: …"
                name_widget(button, choice_name(tr, caption.text(), which))
                group.addButton(button, column - 1)
                grid.addWidget(button, row, column)
                pair.append(button)
            keep_new = difference["existing"] in (None, "")  # nothing there to keep
            pair[1 if keep_new else 0].setChecked(True)
            group.idToggled.connect(self.on_choice_toggled)
            self.groups[field] = group
            self.buttons[field] = (pair[0], pair[1])
        for column in range(3):
            grid.setColumnStretch(column, 1)
        self.summary_label = named(QLabel(wordWrap=True), "reuseSummary")
        box = QDialogButtonBox()
        self.confirm_button: QPushButton = box.addButton(
            tr("desk.reuse.confirm"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.confirm_button.setObjectName("reuseConfirm")
        box.addButton(tr("desk.case.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addLayout(grid)
        layout.addWidget(self.summary_label)
        layout.addWidget(box)
        self.setMinimumWidth(720)
        self.on_choice_toggled()

    def choose(self, field: str, new: bool) -> None:
        """Keep the intake's value of ``field`` (``new``) or the record's, as a click would."""
        self.buttons[field][1 if new else 0].setChecked(True)

    def on_choice_toggled(self, *_: object) -> None:
        """Say what the record will change."""
        changed = sorted(self.answer(), key=[d["field"] for d in self.differences].index)
        self.summary_label.setText(
            self._tr("desk.reuse.changes", fields=field_names(changed, self._tr))
            if changed
            else self._tr("desk.reuse.no_change")
        )

    def answer(self) -> set[str]:
        """The fields whose value the intake gives (the others keep the record's)."""
        return {field for field, group in self.groups.items() if group.checkedId() == 1}

    @classmethod
    def ask(
        cls,
        parent: QWidget,
        language: LanguageState,
        form: FormDefinition,
        person: dict[str, Any],
        differences: list[dict[str, Any]],
    ) -> set[str] | None:
        """The fields to change, confirmed (maybe none), or None when cancelled."""
        dialog = cls(language, form, person, differences, parent)
        return dialog.answer() if dialog.exec() else None
