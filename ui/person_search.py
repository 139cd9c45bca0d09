"""Finding a person: name in any script, phone, birth year or case code; then a case or an intake.

An empty box lists the most recent cases. Searching runs on the worker; keystrokes that
arrive while a search runs only mark it stale, and one new search runs when it returns
(the same scheme as the directory page).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.office import OfficeContext
from ui import case_work
from ui.intake_duplicates import country_name
from ui.language import LanguageState
from ui.styles import named
from ui.tasks import Tasks

COLUMNS = ("name", "birth_year", "nationality", "phone", "cases")


class PersonSearchPage(QWidget):
    """The search box, the persons found, and the ways on: their case, a new intake.

    Signals:
        results_shown(int): results were painted; carries how many.
        case_requested(str): open this case; carries its id.
        intake_requested(str): a new intake; carries the person id (``""``: a new person).
    """

    results_shown = Signal(int)
    case_requested = Signal(str)
    intake_requested = Signal(str)

    def __init__(self, context: OfficeContext, language: LanguageState, tasks: Tasks) -> None:
        super().__init__()
        self._context = context
        self._language = language
        self._tasks = tasks
        self._generation = 0
        self.searching = False
        self.people: list[dict[str, Any]] = []
        self.title_label = named(QLabel(), "pageTitle")
        self.new_button = named(QPushButton(), "newIntake")
        self.search_edit = named(QLineEdit(), "personSearch")
        self.count_label = named(QLabel(), "personCount")
        self.table = named(QTableWidget(0, len(COLUMNS)), "personResults")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.open_button = named(QPushButton(), "openCase")
        self.intake_button = named(QPushButton(), "intakeForPerson")
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.new_button)
        actions = QHBoxLayout()
        actions.addWidget(self.count_label, 1)
        actions.addWidget(self.open_button)
        actions.addWidget(self.intake_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self.search_edit.textChanged.connect(self.request_search)
        self.search_edit.returnPressed.connect(self.on_open_clicked)
        self.table.cellActivated.connect(lambda _row, _column: self.on_open_clicked())
        self.table.cellDoubleClicked.connect(lambda _row, _column: self.on_open_clicked())
        self.open_button.clicked.connect(self.on_open_clicked)
        self.intake_button.clicked.connect(self.on_intake_clicked)
        self.new_button.clicked.connect(lambda: self.intake_requested.emit(""))
        language.language_changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read the texts in the officer's language."""
        tr = self._language.translator
        self.title_label.setText(tr("desk.nav.cases"))
        self.new_button.setText(tr("desk.cases.new_intake"))
        self.search_edit.setPlaceholderText(tr("desk.cases.search_placeholder"))
        self.table.setHorizontalHeaderLabels([tr(f"desk.cases.column_{c}") for c in COLUMNS])
        self.open_button.setText(tr("desk.cases.open_case"))
        self.intake_button.setText(tr("desk.cases.new_intake_for"))
        self._show_people()

    def request_search(self) -> None:
        """Search what the box holds now (or as soon as the running search returns)."""
        self._generation += 1
        if not self.searching:
            self._start()

    def _start(self) -> None:
        self.searching = True
        generation = self._generation
        work = partial(case_work.find_people, self._context, self.search_edit.text())
        self._tasks.run(
            work, partial(self.on_found, generation), partial(self.on_failed, generation)
        )

    def on_found(self, generation: int, people: list[dict[str, Any]]) -> None:
        """Show the persons found, unless the box changed meanwhile."""
        self.searching = False
        if generation != self._generation:
            self._start()
            return
        self.people = people
        self._show_people()
        self.results_shown.emit(len(people))

    def on_failed(self, generation: int, error: BaseException) -> None:
        """Say that the search failed."""
        self.searching = False
        if generation != self._generation:
            self._start()
            return
        self.count_label.setText(self._language.translator("desk.cases.failed", detail=error))

    def _show_people(self) -> None:
        tr, code = self._language.translator, self._language.code
        self.table.setRowCount(len(self.people))
        for row, person in enumerate(self.people):
            name = " ".join(p for p in (person.get("given_name"), person.get("family_name")) if p)
            cells = (
                name or tr("desk.cases.unnamed"),
                str(person.get("birth_year") or ""),
                country_name(person["nationality"], code) if person.get("nationality") else "",
                "\u2066" + person["phone"] + "\u2069" if person.get("phone") else "",
                ", ".join(c["code"] for c in person.get("cases", [])),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if self.people:
            self.table.selectRow(0)
        recent = not self.search_edit.text().strip()
        if recent:
            self.count_label.setText(tr("desk.cases.recent"))
        elif self.people:
            self.count_label.setText(tr("desk.cases.results_count", count=len(self.people)))
        else:
            self.count_label.setText(tr("desk.cases.no_results"))

    def _chosen(self) -> dict[str, Any] | None:
        row = self.table.currentRow()
        return self.people[row] if 0 <= row < len(self.people) else None

    def on_open_clicked(self) -> None:
        """Open the chosen person's latest case (or start their intake if they have none)."""
        person = self._chosen()
        if person is None:
            return
        cases = person.get("cases") or []
        if cases:
            self.case_requested.emit(cases[0]["case_id"])
        else:
            self.intake_requested.emit(person["person_id"])

    def on_intake_clicked(self) -> None:
        """A new intake for the chosen person."""
        person = self._chosen()
        if person is not None:
            self.intake_requested.emit(person["person_id"])

    def focus_search(self) -> None:
        """Put the focus in the search box, its text selected."""
        self.search_edit.setFocus()
        self.search_edit.selectAll()
