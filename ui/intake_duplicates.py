"""Before a new person is created: "This may be the same person" — use one, or create new."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.cases.persons import written_names
from kiosk.forms.countries import country_name
from kiosk.i18n import Translator
from ui.language import isolate
from ui.styles import named


def display_name(person: dict[str, Any], tr: Translator) -> str:
    """The person's names in Latin and in Arabic letters, the one in the officer's script
    first, each isolated so that it keeps its own order beside the other; or "(no name)".

    For a right-to-left officer the pair is held in a right-to-left isolate: put inside
    another isolate (a header, a sentence), the pair would otherwise be laid out left to
    right (an isolate takes its direction from its first letter outside nested isolates,
    and there is none), and an Arabic reader would read the Latin name first.
    """
    written = list(written_names(person))
    if len(written) < 2:
        return written[0] if written else tr("desk.cases.unnamed")
    if tr.right_to_left:
        arabic_first = " · ".join(isolate(name) for name in reversed(written))
        return f"\u2067{arabic_first}\u2069"
    return " · ".join(isolate(name) for name in written)


def person_line(person: dict[str, Any], tr: Translator, language: str) -> str:
    """A known person on one line: name (isolated: it may be in another script), birth
    year, nationality, phone."""
    parts = [isolate(display_name(person, tr))]
    if person.get("birth_year"):
        parts.append(tr("desk.cases.born", year=person["birth_year"]))
    if person.get("nationality"):
        parts.append(country_name(person["nationality"], language))
    if person.get("phone"):
        parts.append("\u2066" + person["phone"] + "\u2069")
    return " — ".join(parts)


class DuplicatesPanel(QWidget):
    """The persons who may be the one being created, and the two ways on.

    Signals:
        person_chosen(str): the officer uses a known person; carries the person id.
        new_chosen(): the officer creates a new person anyway.
    """

    person_chosen = Signal(str)
    new_chosen = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.intro_label = named(QLabel(wordWrap=True), "duplicatesIntro")
        self.list = named(QListWidget(), "duplicates")
        self.list.setMaximumHeight(120)
        self.intro_label.setBuddy(self.list)  # the list is named after its heading
        self.use_button = named(QPushButton(), "useDuplicate")
        self.new_button = named(QPushButton(), "createNew")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro_label)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.use_button.clicked.connect(self.on_use_clicked)
        self.new_button.clicked.connect(self.new_chosen)
        self.list.itemActivated.connect(lambda _item: self.on_use_clicked())

    def show_hits(self, hits: list[dict[str, Any]], tr: Translator, language: str) -> None:
        """Fill the list with ``hits`` and show the panel, the first one chosen."""
        self.list.clear()
        for hit in hits:
            item = QListWidgetItem(person_line(hit, tr, language))
            item.setData(Qt.ItemDataRole.UserRole, hit["person_id"])
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.retranslate(tr)
        self.show()
        self.list.setFocus()

    def retranslate(self, tr: Translator) -> None:
        """Re-read the texts."""
        self.intro_label.setText(tr("desk.duplicates.intro"))
        self.use_button.setText(tr("desk.duplicates.use"))
        self.new_button.setText(tr("desk.duplicates.create"))

    def on_enter_pressed(self) -> None:
        """Enter (the wizard's shortcut): "create new" when focused, else the person chosen."""
        if self.new_button.hasFocus():
            self.new_chosen.emit()
        else:
            self.on_use_clicked()

    def on_use_clicked(self) -> None:
        """Use the person chosen in the list."""
        item = self.list.currentItem()
        if item is not None:
            self.person_chosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))
