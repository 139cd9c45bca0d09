"""The desk's Sync page: what sync set aside, for a supervisor to resolve.

Two lists: the office's records the region refused (quarantined envelopes), which can be
sent again or dismissed with a note; and the region's changes this office did not apply
(conflicts), which can be applied now or dismissed, the office keeping its own version,
with a note. Each line says what, when and why in the officer's words (the technical
reason in a tooltip). The core (``kiosk.sync.review``) checks the permission and decides;
everything runs on the worker thread.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
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

from db.store import Store
from db.uow import Actor
from kiosk.clock import office_time
from kiosk.i18n import Translator
from kiosk.office import OfficeContext
from kiosk.settings import REGISTRY
from kiosk.sync import review, state
from ui.accessibility import announce
from ui.language import LanguageState
from ui.styles import named
from ui.tasks import Follow, FollowingWidget, Tasks

log = logging.getLogger(__name__)

COLUMNS = ("when", "what", "why")
# action: (table, needs a note)
ACTIONS: dict[str, tuple[str, bool]] = {
    "resend": ("envelopes", False),
    "dismiss_envelope": ("envelopes", True),
    "apply": ("conflicts", False),
    "dismiss_conflict": ("conflicts", True),
}


def read_lists(store: Store) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """On the worker: the quarantined envelopes and the open conflicts."""
    return state.quarantined(store), state.conflicts(store)


def when_text(moment: str) -> str:
    """An ISO time (naive means UTC) as the office's day and time, kept left to right."""
    return f"\u2066{office_time(datetime.fromisoformat(moment), '%d/%m %H:%M')}\u2069"


def record_text(tr: Translator, entity_type: str) -> str:
    """The kind of an office record in the officer's words ("Setting", "Referral"), or its
    table name for a kind the catalog does not name."""
    key = f"desk.sync_review.record.{entity_type}"
    if key in tr.catalog.keys():
        return tr(key)
    return tr("desk.sync_review.record.other", kind=entity_type)


def envelope_what(tr: Translator, envelope: dict[str, Any]) -> str:
    """What a refused envelope carries: its kind of record."""
    text = record_text(tr, envelope["entity_type"])
    return tr("desk.sync_review.deleted", what=text) if envelope["operation"] == "delete" else text


def envelope_why(tr: Translator, envelope: dict[str, Any]) -> str:
    """Why the region refused it, in plain words."""
    if str(envelope["error"]).startswith("not sendable"):
        return tr("desk.sync_review.why.too_large")
    return tr("desk.sync_review.why.region_conflict")


def conflict_what(tr: Translator, conflict: dict[str, Any]) -> str:
    """What a set-aside change would change: the setting, the account, the entry."""
    kind, payload = conflict["entity_type"], conflict["payload"] or {}
    if kind == "setting":
        key = str(payload.get("key", ""))
        name = tr(REGISTRY[key].label_key) if key in REGISTRY else key
        text = tr("desk.sync_review.what.setting", name=name)
    elif kind == "user_account":
        text = tr("desk.sync_review.what.user_account", name=payload.get("name", "…"))
    elif kind == "referral_outcome":
        text = tr("desk.sync_review.what.referral_outcome")
    elif kind.startswith("directory_"):
        text = tr("desk.sync_review.what.directory", name=payload.get("name", "…"))
    else:
        text = record_text(tr, kind)
    return tr("desk.sync_review.deleted", what=text) if conflict["operation"] == "delete" else text


def conflict_why(tr: Translator, conflict: dict[str, Any]) -> str:
    """Why the change was set aside, in plain words."""
    reason = str(conflict["reason"])
    if reason in ("local_changes", "not_applicable", "reference_emptied", "concurrent_edit"):
        return tr(f"desk.sync_review.why.{reason}")
    return reason


class NoteDialog(QDialog):
    """A short note saying why (OK stays disabled while it is blank)."""

    def __init__(self, language: LanguageState, prompt: str, parent: QWidget | None = None):
        super().__init__(parent)
        tr = language.translator
        self.setWindowTitle(tr("desk.sync_review.note_title"))
        self.setLayoutDirection(language.direction)
        self.note_edit = named(QLineEdit(), "syncReviewNote")
        self.note_edit.setMaxLength(review.NOTE_LIMIT)
        self.note_edit.setMinimumWidth(420)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(
            tr("desk.case.confirm"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton(tr("desk.case.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button.setEnabled(False)
        self.note_edit.textChanged.connect(
            lambda text: self.ok_button.setEnabled(bool(text.strip()))
        )
        prompt_label = QLabel(prompt, wordWrap=True)
        prompt_label.setBuddy(self.note_edit)  # the question names the field
        layout = QVBoxLayout(self)
        layout.addWidget(prompt_label)
        layout.addWidget(self.note_edit)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget, language: LanguageState, prompt: str) -> str | None:
        """The note written, or None when cancelled (tests replace this)."""
        dialog = cls(language, prompt, parent)
        return dialog.note_edit.text().strip() if dialog.exec() else None


class SyncReviewPage(FollowingWidget):
    """The quarantined envelopes and the open conflicts, with their four actions."""

    def __init__(
        self,
        context: OfficeContext,
        language: LanguageState,
        actor: Actor,
        tasks: Tasks,
    ) -> None:
        super().__init__()
        self.section = "sync"
        self._store = context.store
        self._language = language
        self._actor = actor
        self._tasks = tasks
        self.envelopes: list[dict[str, Any]] | None = None
        self.conflicts: list[dict[str, Any]] | None = None
        self._message: Callable[[Translator], str] | None = None
        self.busy = False
        self._build()
        language.language_changed.connect(self.retranslate)
        self.retranslate()
        self.follow = Follow(self, tasks, {"outbox_envelope", "sync_conflict"}, self.refresh)

    def _table(self, name: str) -> QTableWidget:
        table = named(QTableWidget(0, len(COLUMNS)), name)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        table.setWordWrap(True)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        table.setColumnWidth(1, 300)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.itemSelectionChanged.connect(self._update_enabled)
        return table

    def _build(self) -> None:
        self.title_label = named(QLabel(), "pageTitle")
        self.intro_label = QLabel(wordWrap=True)
        self.tables = {
            "envelopes": self._table("syncEnvelopes"),
            "conflicts": self._table("syncConflicts"),
        }
        self.headings = {name: named(QLabel(), "queueHeading") for name in self.tables}
        self.empty_labels = {name: QLabel(wordWrap=True) for name in self.tables}
        self.buttons: dict[str, QPushButton] = {}
        rows = {name: QHBoxLayout() for name in self.tables}
        for action, (list_name, _note) in ACTIONS.items():
            button = named(QPushButton(), "syncReviewButton")
            button.setMinimumHeight(40)
            button.clicked.connect(partial(self.on_action, action))
            rows[list_name].addWidget(button)
            self.buttons[action] = button
        self.message_label = named(QLabel(wordWrap=True), "spoolMessage")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.intro_label)
        for name, table in self.tables.items():
            rows[name].addStretch(1)
            layout.addWidget(self.headings[name])
            layout.addWidget(self.empty_labels[name])
            layout.addWidget(table, 1)
            layout.addLayout(rows[name])
            self.headings[name].setBuddy(table)  # each table is named after its heading
        layout.addWidget(self.message_label)

    # --- reading ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Read both lists again (on the worker thread)."""
        work = partial(read_lists, self._store)
        self._tasks.run(work, self.on_lists_loaded, self.on_read_failed, latest="sync review")

    def on_read_failed(self, error: BaseException) -> None:
        """Keep the lists as they are; say that they could not be read."""
        log.error("the sync review lists could not be read", exc_info=error)
        self._show_message("desk.sync_review.read_failed")

    def on_lists_loaded(self, lists: tuple[list[dict[str, Any]], list[dict[str, Any]]]) -> None:
        """Show the lists just read, keeping the selected lines selected."""
        chosen = {name: self.selected(name) for name in self.tables}
        self.envelopes, self.conflicts = lists
        self._fill({name: None if item is None else item["id"] for name, item in chosen.items()})

    def selected(self, table: str) -> dict[str, Any] | None:
        """The line selected in ``envelopes`` or ``conflicts``, if any."""
        rows = self.tables[table].selectionModel().selectedRows()
        items = self.envelopes if table == "envelopes" else self.conflicts
        if not rows or items is None or rows[0].row() >= len(items):
            return None
        return items[rows[0].row()]

    def select(self, table: str, item_id: str) -> None:
        """Select the line of ``item_id`` (as if the supervisor clicked it)."""
        items = (self.envelopes if table == "envelopes" else self.conflicts) or []
        for row, item in enumerate(items):
            if item["id"] == item_id:
                self._select_row(self.tables[table], row)
                return
        raise LookupError(f"{item_id} is not in the {table} list")

    # --- showing ---------------------------------------------------------------------

    def retranslate(self) -> None:
        """Re-read every text in the officer's language."""
        tr = self._language.translator
        self.title_label.setText(tr("desk.nav.sync"))
        self.intro_label.setText(tr("desk.sync_review.intro"))
        for name, table in self.tables.items():
            self.headings[name].setText(tr(f"desk.sync_review.{name}"))
            self.empty_labels[name].setText(tr(f"desk.sync_review.no_{name}"))
            table.setHorizontalHeaderLabels([tr(f"desk.sync_review.column.{c}") for c in COLUMNS])
        for action, button in self.buttons.items():
            button.setText(tr(f"desk.sync_review.{action}"))
        self.message_label.setText("" if self._message is None else self._message(tr))
        self._fill()

    def _fill(self, chosen: dict[str, str | None] | None = None) -> None:
        """Fill both tables, keeping selected the lines of ``chosen`` (default: the ones
        selected now)."""
        tr = self._language.translator
        if chosen is None:
            chosen = {
                name: None if (item := self.selected(name)) is None else item["id"]
                for name in self.tables
            }
        lines = {
            "envelopes": [
                (e["id"], e["created_at"], envelope_what(tr, e), envelope_why(tr, e), e["error"])
                for e in self.envelopes or []
            ],
            "conflicts": [
                (c["id"], c["at"], conflict_what(tr, c), conflict_why(tr, c), c["detail"])
                for c in self.conflicts or []
            ],
        }
        for name, table in self.tables.items():
            table.blockSignals(True)
            try:
                table.clearContents()
                table.setRowCount(len(lines[name]))
                for row, (item_id, moment, what, why, detail) in enumerate(lines[name]):
                    cells = (QTableWidgetItem(when_text(moment)), QTableWidgetItem(what))
                    reason = QTableWidgetItem(why)
                    reason.setToolTip(detail)
                    for column, cell in enumerate((*cells, reason)):
                        if column == 1:
                            cell.setToolTip(what)
                        table.setItem(row, column, cell)
                    if chosen[name] == item_id:
                        self._select_row(table, row)
            finally:
                table.blockSignals(False)
            table.resizeRowsToContents()
            loaded = (self.envelopes if name == "envelopes" else self.conflicts) is not None
            self.empty_labels[name].setVisible(loaded and not lines[name])
        self._update_enabled()

    def _select_row(self, table: QTableWidget, row: int) -> None:
        # selectRow() misses in a right-to-left table (see ui.desk_spool._select_row).
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        table.selectionModel().setCurrentIndex(table.model().index(row, 0), flags)

    def _update_enabled(self) -> None:
        for action, (table, _note) in ACTIONS.items():
            self.buttons[action].setEnabled(self.selected(table) is not None and not self.busy)

    def _show_message(self, key: str, **params: object) -> None:
        self._message = lambda tr: tr(key, **params)
        self.message_label.setText(self._message(self._language.translator))
        announce(self, self.message_label.text())

    # --- acting ----------------------------------------------------------------------

    def on_action(self, action: str) -> None:
        """Resend, dismiss or apply the selected line (asking for a note when needed)."""
        table, needs_note = ACTIONS[action]
        item = self.selected(table)
        if item is None or self.busy:
            return
        note = ""
        if needs_note:
            prompt = self._language.translator(f"desk.sync_review.note_{action}")
            answer = NoteDialog.ask(self, self._language, prompt)
            if answer is None:
                return
            note = answer
        operations: dict[str, Callable[..., review.Reviewed]] = {
            "resend": review.resend_envelope,
            "dismiss_envelope": review.dismiss_envelope,
            "apply": review.apply_conflict,
            "dismiss_conflict": review.dismiss_conflict,
        }
        operation = operations[action]
        work = partial(operation, self._store, self._actor, uuid.UUID(item["id"]), note)
        self.busy = True
        self._update_enabled()
        self._tasks.run(work, partial(self.on_done, action), self.on_refused)

    def on_done(self, action: str, _done: review.Reviewed) -> None:
        """Say what was done (the lists are read again as they changed)."""
        self.busy = False
        self._show_message(f"desk.sync_review.done.{action}")

    def on_refused(self, error: BaseException) -> None:
        """Show why the core refused, in the officer's language."""
        self.busy = False
        if getattr(error, "message_key", None) is None:
            log.error("a sync review action failed", exc_info=error)
        # the catalog says a refusal by its key, a busy database or a full disk in plain words
        self._show_message("desk.sync_review.refused", detail=error)
        self.refresh()
