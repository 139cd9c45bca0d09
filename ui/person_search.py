"""Finding a person: name in any script, phone, birth year or case code; then a case or an intake.

An empty box lists the most recent cases. Searching runs on the worker; keystrokes that
arrive while a search runs only mark it stale, and one new search runs when it returns
(the same scheme as the directory page). A supervisor may also select two persons found
and merge them (``ui.merge_dialog``); officers do not see that button.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QHideEvent
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
)

from db.uow import Actor
from kiosk.accounts import Permission, has_permission
from kiosk.audit import record_search
from kiosk.cases import work as case_work
from kiosk.forms.countries import country_name
from kiosk.office import OfficeContext
from ui.accessibility import announce, name_widget
from ui.intake_duplicates import display_name
from ui.language import LanguageState
from ui.merge_dialog import MergeDialog
from ui.styles import named
from ui.tasks import Follow, FollowingWidget, Tasks, ignore_result, log_failure

COLUMNS = ("name", "birth_year", "nationality", "phone", "cases")
AUDIT_PAUSE_MS = 2000
"""How long the officer stops typing before the search is audited."""


class PersonSearchPage(FollowingWidget):
    """The search box, the persons found, and the ways on: their case, a new intake.

    Signals:
        results_shown(int): results were painted; carries how many.
        case_requested(str): open this case; carries its id.
        intake_requested(str): a new intake; carries the person id (``""``: a new person).
        persons_merged(str): a merge was saved; carries the id of the person kept.

    ``actor`` (None: nobody who may merge) decides whether the merge button is offered.
    """

    results_shown = Signal(int)
    case_requested = Signal(str)
    intake_requested = Signal(str)
    persons_merged = Signal(str)

    def __init__(
        self,
        context: OfficeContext,
        language: LanguageState,
        tasks: Tasks,
        actor: Actor | None = None,
    ) -> None:
        super().__init__()
        self._context = context
        self._language = language
        self._tasks = tasks
        self._actor = actor
        self._message: tuple[str, dict[str, Any]] | None = None
        self.searching = False
        self.merging = False
        self.recent = True
        self.can_merge = actor is not None and has_permission(actor, Permission.MERGE_PERSONS)
        self.people: list[dict[str, Any]] = []
        self.title_label = named(QLabel(), "pageTitle")
        self.new_button = named(QPushButton(), "newIntake")
        self.search_edit = named(QLineEdit(), "personSearch")
        self.count_label = named(QLabel(), "personCount")
        self.table = named(QTableWidget(0, len(COLUMNS)), "personResults")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(
            QAbstractItemView.SelectionMode.ExtendedSelection
            if self.can_merge
            else QAbstractItemView.SelectionMode.SingleSelection
        )
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.open_button = named(QPushButton(), "openCase")
        self.intake_button = named(QPushButton(), "intakeForPerson")
        self.merge_button = named(QPushButton(), "mergePersons")
        self.merge_button.setVisible(self.can_merge)
        self.merge_button.setEnabled(False)
        self.message_label = named(QLabel(wordWrap=True), "personMessage")
        self.message_label.hide()
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.new_button)
        actions = QHBoxLayout()
        actions.addWidget(self.count_label, 1)
        actions.addWidget(self.merge_button)
        actions.addWidget(self.open_button)
        actions.addWidget(self.intake_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message_label)
        layout.addLayout(actions)
        self.search_edit.textChanged.connect(lambda _text: self._set_message(None))
        self.search_edit.textChanged.connect(self.on_typed)
        self.table.itemSelectionChanged.connect(self._update_merge_button)
        self.merge_button.clicked.connect(self.on_merge_clicked)
        self.search_edit.returnPressed.connect(self.on_open_clicked)
        self.table.cellActivated.connect(lambda _row, _column: self.on_open_clicked())
        self.table.cellDoubleClicked.connect(lambda _row, _column: self.on_open_clicked())
        self.open_button.clicked.connect(self.on_open_clicked)
        self.intake_button.clicked.connect(self.on_intake_clicked)
        self.new_button.clicked.connect(lambda: self.intake_requested.emit(""))
        language.language_changed.connect(self.retranslate)
        self.retranslate()
        self.typed: str | None = None
        """What the officer typed, until its results are shown."""
        self.unaudited: int | None = None
        """How many persons the officer's last search found, until it is audited."""
        self.audit_timer = QTimer(self, singleShot=True, interval=AUDIT_PAUSE_MS)
        self.audit_timer.timeout.connect(self.audit_search)
        self.follow = Follow(self, tasks, {"person", "case"}, self.request_search)

    def retranslate(self) -> None:
        """Re-read the texts in the officer's language."""
        tr = self._language.translator
        self.title_label.setText(tr("desk.nav.cases"))
        self.new_button.setText(tr("desk.cases.new_intake"))
        self.search_edit.setPlaceholderText(tr("desk.cases.search_placeholder"))
        name_widget(self.search_edit, tr("a11y.person_search"))
        name_widget(self.table, tr("a11y.person_results"))
        self.table.setHorizontalHeaderLabels([tr(f"desk.cases.column_{c}") for c in COLUMNS])
        self.open_button.setText(tr("desk.cases.open_case"))
        self.intake_button.setText(tr("desk.cases.new_intake_for"))
        self.merge_button.setText(tr("desk.merge.button"))
        self.merge_button.setToolTip(tr("desk.merge.select_two"))
        self._show_people()
        self._show_message()

    def on_typed(self, text: str) -> None:
        """The officer changed the text: search it (and audit it once shown)."""
        self.typed = text if text.strip() else None
        self.request_search()

    def request_search(self) -> None:
        """Search what the box holds now (an answer to an older text is dropped)."""
        self.searching = True
        query = self.search_edit.text()
        work = partial(case_work.find_people, self._context, query)
        self._tasks.run(
            work,
            partial(self.on_found, query),
            self.on_failed,
            latest="person search",
        )

    def on_found(self, query: str, people: list[dict[str, Any]]) -> None:
        """Show the persons found for the text in the box; the officer's search is audited
        once they stop typing (:meth:`audit_search`), a search read again after a change
        is not."""
        self.searching = False
        self.recent = not query.strip()
        self.people = people
        self._show_people()
        self.results_shown.emit(len(people))
        if self.typed is not None and query == self.typed:
            self.typed = None
            self.unaudited = len(people)
            self.audit_timer.start()

    def audit_search(self) -> None:
        """Audit the officer's last search (``person.search``: how many found, never the
        text), on the worker; the search is typed key by key, so this waits for a pause,
        or for the officer to open a result or leave the page."""
        self.audit_timer.stop()
        found, self.unaudited = self.unaudited, None
        if found is None or self._actor is None:
            return
        work = partial(record_search, self._context, self._actor, found)
        self._tasks.run(work, ignore_result, log_failure)

    def hideEvent(self, event: QHideEvent) -> None:
        """Leaving the page (another page, the desk locked) audits the search shown."""
        super().hideEvent(event)
        self.audit_search()

    def on_failed(self, error: BaseException) -> None:
        """Say that the search failed."""
        self.searching = False
        self.count_label.setText(self._language.translator("desk.cases.failed", detail=error))

    def _show_people(self) -> None:
        tr, code = self._language.translator, self._language.code
        self.table.setRowCount(len(self.people))
        for row, person in enumerate(self.people):
            cells = (
                display_name(person, tr),
                str(person.get("birth_year") or ""),
                country_name(person["nationality"], code) if person.get("nationality") else "",
                "\u2066" + person["phone"] + "\u2069" if person.get("phone") else "",
                ", ".join(c["code"] for c in person.get("cases", [])),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        if self.people:
            self.table.selectRow(0)
        self._update_merge_button()
        if self.recent:
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
        self.audit_search()
        cases = person.get("cases") or []
        if cases:
            self.case_requested.emit(cases[0]["case_id"])
        else:
            self.intake_requested.emit(person["person_id"])

    def on_intake_clicked(self) -> None:
        """A new intake for the chosen person."""
        person = self._chosen()
        if person is not None:
            self.audit_search()
            self.intake_requested.emit(person["person_id"])

    def selected_people(self) -> list[dict[str, Any]]:
        """The persons whose rows are selected, top to bottom."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.people[row] for row in rows if 0 <= row < len(self.people)]

    def _mergeable(self) -> list[dict[str, Any]] | None:
        # The recent list holds cases, not persons (one person may be there twice).
        people = self.selected_people()
        if not self.can_merge or self.merging or self.recent or len(people) != 2:
            return None
        return people if people[0]["person_id"] != people[1]["person_id"] else None

    def _update_merge_button(self) -> None:
        self.merge_button.setEnabled(self._mergeable() is not None)

    def on_merge_clicked(self) -> None:
        """Ask which of the two persons selected is kept, then merge on the worker."""
        people = self._mergeable()
        if people is None or self._actor is None:
            return
        choice = MergeDialog.ask(self, self._language, people[0], people[1])
        if choice is None:
            return
        keep_id, merged_id = choice
        self.merging = True
        self._update_merge_button()
        self._set_message("desk.merge.working")
        work = partial(case_work.merge, self._context, self._actor, keep_id, merged_id)
        kept = next(p for p in people if p["person_id"] == keep_id)
        name = display_name(kept, self._language.translator)
        self._tasks.run(work, partial(self.on_merged, keep_id, name), self.on_merge_failed)

    def on_merged(self, keep_id: str, name: str, moved: int) -> None:
        """Say what was merged and search again (the merged person is gone from the results)."""
        self.merging = False
        self._set_message("desk.merge.done", name="\u2068" + name + "\u2069", count=moved)
        self.persons_merged.emit(keep_id)

    def on_merge_failed(self, error: BaseException) -> None:
        """Say why the merge was refused, in the officer's language."""
        self.merging = False
        self._update_merge_button()
        self._set_message("desk.merge.failed", detail=error)

    def _set_message(self, key: str | None, **params: Any) -> None:
        self._message = (key, params) if key else None
        self._show_message()
        if key:
            announce(self, self.message_label.text())

    def _show_message(self) -> None:
        if self._message is None:
            self.message_label.hide()
            return
        key, params = self._message
        self.message_label.setText(self._language.translator(key, **params))
        self.message_label.show()

    def focus_search(self) -> None:
        """Put the focus in the search box, its text selected."""
        self.search_edit.setFocus()
        self.search_edit.selectAll()
