"""One widget per type of intake field: its label, its input, its hint and its error.

A :class:`FieldWidget` holds the raw answer as the officer gives it (text, ``True``/``False``,
a choice value, a list of values): the form's own checks (``kiosk.forms``) coerce and judge
it. Labels, hints and choices are in the officer's language; :func:`make_field` picks the
widget for a field's type.
"""

from __future__ import annotations

from functools import cmp_to_key

from PySide6.QtCore import (
    QCollator,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.forms import Field
from kiosk.forms.countries import common_nationalities, country_name, region_codes
from kiosk.i18n import Translator
from kiosk.settings import LANGUAGE_CODES
from protocol.communes import commune
from protocol.communes import load as load_communes
from protocol.directory.text import normalise
from ui.accessibility import choice_name, describe, field_states, name_widget
from ui.styles import named

Answer = str | bool | list[str] | None


class FieldWidget(QWidget):
    """A question of the form: label, input, hint and the error message under it.

    For a screen reader, each input is named by the question (each choice by the question
    and the choice) and described by its states: required, and the error shown, if any.

    Signals:
        value_edited(str): the answer changed; carries the field key.
        editing_left(str): the officer left the field (time to check it); carries the key.
    """

    value_edited = Signal(str)
    editing_left = Signal(str)

    def __init__(self, field: Field) -> None:
        super().__init__()
        self.field = field
        self.key = field.key
        self.label = named(QLabel(wordWrap=True), "fieldLabel")
        self.hint_label = named(QLabel(wordWrap=True), "fieldHint")
        self.error_label = named(QLabel(wordWrap=True), "fieldError")
        self.error_label.hide()
        self._tr: Translator | None = None  # the officer's language, once translated
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 4, 0, 4)
        self._layout.setSpacing(2)
        self._layout.addWidget(self.label)
        self._build()
        self._layout.addWidget(self.hint_label)
        self._layout.addWidget(self.error_label)

    def _build(self) -> None:
        raise NotImplementedError

    def value(self) -> Answer:
        """The raw answer as given (``None`` when none)."""
        raise NotImplementedError

    def set_value(self, value: object) -> None:
        """Show ``value`` (from a draft) without announcing an edit."""
        raise NotImplementedError

    def focus_input(self) -> None:
        """Put the keyboard focus on the input."""
        self.focusNextChild()

    def inputs(self) -> list[QWidget]:
        """What the officer answers with (a line, a combo box, each choice)."""
        raise NotImplementedError

    def retranslate(self, language: str, tr: Translator) -> None:
        """Re-read the label, the hint and the choices in ``language``."""
        self._tr = tr
        mark = " *" if self.field.required else ""
        self.label.setText(self.field.label(language) + mark)
        hint = self.field.hint(language)
        self.hint_label.setText(hint)
        self.hint_label.setVisible(bool(hint))
        self._name_inputs(self.field.label(language), tr)
        self._describe()

    def _name_inputs(self, question: str, tr: Translator) -> None:
        """Name the input by the question (a choice also says its own words)."""
        for widget in self.inputs():
            name_widget(widget, question)

    def _describe(self) -> None:
        """Say the input's states (required, the error shown) and its hint."""
        if self._tr is None:
            return
        error = self.error_label.text() if not self.error_label.isHidden() else ""
        states = field_states(self._tr, required=self.field.required, error=error)
        for widget in self.inputs():
            describe(widget, *states, self.hint_label.text())

    def show_error(self, message: str | None) -> None:
        """Show ``message`` under the input, or hide the error."""
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))
        self.setProperty("invalid", bool(message))
        self._describe()

    @property
    def error(self) -> str:
        """The error shown now (``""`` when none)."""
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""

    def _edited(self, *_: object) -> None:
        self.value_edited.emit(self.key)


class TextField(FieldWidget):
    """A line of text: text, integer, year, date, phone fields."""

    def _build(self) -> None:
        self.edit = named(QLineEdit(), "fieldInput")
        if self.field.max_length:
            self.edit.setMaxLength(self.field.max_length + 1)  # one more: the check says so
        if self.field.type == "phone":
            self.edit.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
            self.edit.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        self.edit.textChanged.connect(self._edited)
        self.edit.editingFinished.connect(lambda: self.editing_left.emit(self.key))
        self.label.setBuddy(self.edit)
        self._layout.addWidget(self.edit)

    def inputs(self) -> list[QWidget]:
        """The line."""
        return [self.edit]

    def value(self) -> Answer:
        """The text typed (``None`` when blank)."""
        text = self.edit.text()
        return text if text.strip() else None

    def set_value(self, value: object) -> None:
        """Show a saved answer."""
        self.edit.blockSignals(True)
        self.edit.setText("" if value is None else str(value))
        self.edit.blockSignals(False)

    def focus_input(self) -> None:
        """Focus the line edit."""
        self.edit.setFocus()

    def retranslate(self, language: str, tr: Translator) -> None:
        """Re-read the texts, with a placeholder for dates and years."""
        super().retranslate(language, tr)
        placeholder = {"date": "desk.intake.date_placeholder", "year": "desk.intake.year_example"}
        key = placeholder.get(self.field.type)
        self.edit.setPlaceholderText(tr(key) if key else "")


class ChoiceField(FieldWidget):
    """Radio buttons: yes/no, one choice, the preferred language."""

    def _build(self) -> None:
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[object, QRadioButton] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        values: list[object] = (
            [True, False] if self.field.type == "yes_no" else list(self.field.choice_values())
        )
        columns = 2 if len(values) > 3 else len(values)
        for index, value in enumerate(values):
            button = named(QRadioButton(), "fieldChoice")
            self.group.addButton(button)
            self.buttons[value] = button
            grid.addWidget(button, index // columns, index % columns)
        grid.setColumnStretch(columns, 1)
        self.group.buttonToggled.connect(self._on_toggled)
        self._layout.addLayout(grid)

    def inputs(self) -> list[QWidget]:
        """Every choice."""
        return list(self.buttons.values())

    def _name_inputs(self, question: str, tr: Translator) -> None:
        """Named with their texts (in ``retranslate``): the question and the choice."""

    def _on_toggled(self, _button: QAbstractButton, checked: bool) -> None:
        if checked:
            self._edited()
            self.editing_left.emit(self.key)

    def value(self) -> Answer:
        """The value of the checked button, or ``None``."""
        for value, button in self.buttons.items():
            if button.isChecked():
                return value  # type: ignore[return-value]
        return None

    def set_value(self, value: object) -> None:
        """Check the button of ``value``."""
        button = self.buttons.get(value)
        if button is not None:
            self.group.blockSignals(True)
            button.setChecked(True)
            self.group.blockSignals(False)

    def choose(self, value: object) -> None:
        """Check the button of ``value`` as the officer would (tests, keyboard)."""
        self.buttons[value].click()

    def focus_input(self) -> None:
        """Focus the checked button, else the first."""
        checked = self.group.checkedButton()
        (checked or next(iter(self.buttons.values()))).setFocus()

    def retranslate(self, language: str, tr: Translator) -> None:
        """Re-read the label and each choice."""
        super().retranslate(language, tr)
        question = self.field.label(language)
        for value, button in self.buttons.items():
            if isinstance(value, bool):
                button.setText(tr("desk.yes" if value else "desk.no"))
            else:
                button.setText(
                    next(c for c in self.field.choices if c.value == value).label(language)
                )
            name_widget(button, choice_name(tr, question, button.text()))


class ManyField(FieldWidget):
    """Check boxes: several choices."""

    def _build(self) -> None:
        self.boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for index, value in enumerate(self.field.choice_values()):
            box = named(QCheckBox(), "fieldChoice")
            box.toggled.connect(self._edited)
            self.boxes[value] = box
            grid.addWidget(box, index // 3, index % 3)
        self._layout.addLayout(grid)

    def inputs(self) -> list[QWidget]:
        """Every box."""
        return list(self.boxes.values())

    def _name_inputs(self, question: str, tr: Translator) -> None:
        """Named with their texts (in ``retranslate``): the question and the choice."""

    def value(self) -> Answer:
        """The values checked, in form order (``None`` when none)."""
        chosen = [value for value, box in self.boxes.items() if box.isChecked()]
        return chosen or None

    def set_value(self, value: object) -> None:
        """Check the boxes of a saved list."""
        chosen = set(value) if isinstance(value, list) else set()
        for key, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(key in chosen)
            box.blockSignals(False)

    def focus_input(self) -> None:
        """Focus the first box."""
        next(iter(self.boxes.values())).setFocus()

    def retranslate(self, language: str, tr: Translator) -> None:
        """Re-read the label and each choice."""
        super().retranslate(language, tr)
        question = self.field.label(language)
        for choice in self.field.choices:
            box = self.boxes[choice.value]
            box.setText(choice.label(language))
            name_widget(box, choice_name(tr, question, box.text()))


SEARCH_ROLE = Qt.ItemDataRole.UserRole + 1
"""An item's names in every language, folded for matching (``kiosk.directory.normalise``)."""


class FoldedCompleter(QCompleter):
    """Completion that ignores case, accents and the forms of Arabic letters, in any of the
    four languages: "erythree", "Érythrée" and "إريتريا" all find Érythrée."""

    def splitPath(self, path: str) -> list[str]:
        """Match what was typed folded as the items' names are."""
        return [normalise(path)]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        """Complete with the item's text in the desk's language."""
        return str(index.data(Qt.ItemDataRole.DisplayRole))


class ComboField(FieldWidget):
    """An editable combo box with completion: the country and the commune."""

    def _build(self) -> None:
        self.combo = named(QComboBox(), "fieldInput")
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMaxVisibleItems(15)
        completer = FoldedCompleter(self.combo.model(), self.combo)
        completer.setCompletionRole(SEARCH_ROLE)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.combo.setCompleter(completer)
        self.combo.currentIndexChanged.connect(self._edited)
        line = self.combo.lineEdit()
        assert line is not None, "an editable combo box has a line edit"
        self.combo_line: QLineEdit = line
        line.textChanged.connect(self._edited)
        line.editingFinished.connect(lambda: self.editing_left.emit(self.key))
        self.label.setBuddy(self.combo)
        self._layout.addWidget(self.combo)

    def inputs(self) -> list[QWidget]:
        """The combo box (its line is named with it)."""
        return [self.combo]

    def _items(self, language: str) -> list[tuple[str, str | None]]:
        raise NotImplementedError

    def _names(self, data: str) -> list[str]:
        """What an item may be searched by, besides its text: its names in every language."""
        raise NotImplementedError

    def value(self) -> Answer:
        """The value of the item whose text is typed, else the text itself."""
        text = self.combo.currentText().strip()
        if not text:
            return None
        index = self.combo.findText(text, Qt.MatchFlag.MatchFixedString)
        data = self.combo.itemData(index) if index >= 0 else None
        return str(data) if data else text

    def set_value(self, value: object) -> None:
        """Show a saved value (its item when there is one)."""
        self.combo.blockSignals(True)
        self.combo_line.blockSignals(True)
        index = self.combo.findData(value) if value else -1
        if index >= 0:
            self.combo.setCurrentIndex(index)
        else:
            self.combo.setCurrentIndex(-1)
            self.combo.setEditText("" if value is None else str(value))
        self.combo_line.blockSignals(False)
        self.combo.blockSignals(False)

    def focus_input(self) -> None:
        """Focus the combo's line."""
        self.combo.setFocus()

    def retranslate(self, language: str, tr: Translator) -> None:
        """Fill the items in ``language``, keeping the value."""
        super().retranslate(language, tr)
        value = self.value()
        self.combo.blockSignals(True)
        self.combo_line.blockSignals(True)
        self.combo.clear()
        for text, data in self._items(language):
            if data is None:
                self.combo.insertSeparator(self.combo.count())
            else:
                self.combo.addItem(text, data)
                searched = " ".join([text, data, *self._names(data)])
                self.combo.setItemData(self.combo.count() - 1, normalise(searched), SEARCH_ROLE)
        self.combo_line.blockSignals(False)
        self.combo.blockSignals(False)
        self.set_value(value)
        self.combo_line.setPlaceholderText(tr(f"desk.intake.{self.field.type}_placeholder"))


class CountryField(ComboField):
    """The nationality: the nationalities the offices see most first, then every country."""

    def _items(self, language: str) -> list[tuple[str, str | None]]:
        common = common_nationalities()
        items: list[tuple[str, str | None]] = [
            (country_name(code, language), code) for code in common
        ]
        items.append(("", None))
        sort_key = cmp_to_key(QCollator(QLocale(language)).compare)
        others = [
            (f"{country_name(code, language)} ({code})", code)
            for code in region_codes() - set(common)
        ]
        others.sort(key=lambda item: sort_key(item[0]))
        return items + others

    def _names(self, data: str) -> list[str]:
        return [country_name(data, code) for code in LANGUAGE_CODES]


class CommuneField(ComboField):
    """The commune of residence: the communes of Souss-Massa by HCP code, shown in the
    desk's language and found by any of their names; or any other name typed."""

    def _items(self, language: str) -> list[tuple[str, str | None]]:
        sort_key = cmp_to_key(QCollator(QLocale(language)).compare)
        items: list[tuple[str, str | None]] = [
            (commune.name(language), commune.code) for commune in load_communes().communes
        ]
        return sorted(items, key=lambda item: sort_key(item[0]))

    def _names(self, data: str) -> list[str]:
        found = commune(data)
        if found is None:
            return []
        return [found.name_fr, found.name_ar, found.name_zgh, *found.aliases]


def make_field(field: Field) -> FieldWidget:
    """The widget for ``field``'s type."""
    if field.type in ("yes_no", "select_one", "language"):
        return ChoiceField(field)
    if field.type == "select_many":
        return ManyField(field)
    if field.type == "country":
        return CountryField(field)
    if field.type == "commune":
        return CommuneField(field)
    return TextField(field)
