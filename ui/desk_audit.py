"""The desk's Audit page (supervisors, administrators): who did what, when, to which record.

Filters by officer, by person (a case code or a person's id: the person's entries and
those of their cases, ``kiosk.audit``), by office day and by action; "Export for an
inspection" writes the entries the filters keep as CSV. Reading and writing run on the
worker, after the core has checked that the actor may read the audit. Reading the audit is
itself no read of personal data (an entry names records by id only), so it is not audited.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from db.audit_chain import Verdict
from db.uow import Actor
from kiosk.accounts import AccountError
from kiosk.audit import (
    PERSON_SEARCH,
    READ_ACTIONS,
    AuditFilter,
    AuditQueryError,
    check_trail,
    export_entries,
    list_entries,
)
from kiosk.clock import office_time, office_today
from kiosk.i18n import Translator
from kiosk.office import OfficeContext
from ui.accessibility import announce, name_widget
from ui.desk_reports import QT_LOCALES
from ui.desk_sync_review import record_text
from ui.language import LanguageState, isolate
from ui.styles import named
from ui.tasks import Follow, FollowingWidget, Tasks

log = logging.getLogger(__name__)

COLUMNS = ("at", "user", "action", "record", "detail")
ACTIONS = (*READ_ACTIONS, "create", "update", "delete", "sync_pull", "login", "login_failed")
"""The actions offered in the filter, in the officer's words (``desk.audit.action.*``)."""
SHOWN = 500
"""The newest entries shown; the export holds them all."""


def read_page(
    context: OfficeContext, actor: Actor, wanted: AuditFilter
) -> tuple[list[dict[str, Any]], list[str]]:
    """The entries ``wanted`` keeps (the newest :data:`SHOWN`) and the accounts' names."""
    entries = list_entries(context, actor, wanted, limit=SHOWN)
    return entries, [account.name for account in context.accounts.list()]


def action_text(action: str, tr: Translator) -> str:
    """An action in the officer's words where it has some, else as recorded."""
    return tr(f"desk.audit.action.{action}") if action in ACTIONS else action


def detail_text(entry: dict[str, Any], tr: Translator) -> str:
    """An entry's detail; a search's count (``results=N``) in the officer's words."""
    detail = str(entry["detail"])
    if entry["action"] == PERSON_SEARCH and detail.startswith("results="):
        return tr("desk.audit.results", count=detail.removeprefix("results="))
    return isolate(detail)


class AuditPage(FollowingWidget):
    """The audit trail, filtered, newest first; exported for an inspection."""

    def __init__(
        self,
        context: OfficeContext,
        language: LanguageState,
        actor: Actor,
        tasks: Tasks,
    ) -> None:
        super().__init__()
        self.section = "audit"
        self._context = context
        self._language = language
        self._actor = actor
        self._tasks = tasks
        self.entries: list[dict[str, Any]] = []
        self._error: Callable[[Translator], str] | None = None
        """Why the entries could not be read (shown instead of their count)."""
        self._result: Callable[[Translator], str] | None = None
        """What the last export or check found (kept while the entries refresh)."""
        self.choose_file: Callable[[], str] = self._ask_file
        """Asks where to write the export ("" when the officer cancels); tests replace it."""
        self._build()
        language.language_changed.connect(self.retranslate)
        self.retranslate()
        self.follow = Follow(self, tasks, {"audit_entry"}, self.refresh)

    def _build(self) -> None:
        self.title_label = named(QLabel(), "pageTitle")
        self.user_label, self.person_label, self.action_label = QLabel(), QLabel(), QLabel()
        self.user_box = named(QComboBox(), "auditUser")
        self.person_edit = named(QLineEdit(), "auditPerson")
        self.action_box = named(QComboBox(), "auditAction")
        self.action_box.addItem("", "")
        for action in ACTIONS:
            self.action_box.addItem(action, action)
        self.day_check = named(QCheckBox(), "auditDayChosen")
        today = office_today()
        self.day_edit = named(QDateEdit(QDate(today.year, today.month, today.day)), "auditDay")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setEnabled(False)
        self.filter_button = named(QPushButton(), "auditFilter")
        self.export_button = named(QPushButton(), "auditExport")
        self.verify_button = named(QPushButton(), "auditVerify")
        filters = QHBoxLayout()
        for label, widget in (
            (self.user_label, self.user_box),
            (self.person_label, self.person_edit),
            (self.action_label, self.action_box),
        ):
            filters.addWidget(label)
            filters.addWidget(widget, 1)
        filters.addWidget(self.day_check)
        filters.addWidget(self.day_edit)
        filters.addWidget(self.filter_button)
        self.table = named(QTableWidget(0, len(COLUMNS)), "auditEntries")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.title_label.setBuddy(self.table)  # the table is named after the page
        self.person_label.setBuddy(self.person_edit)  # each filter named by its label
        self.user_label.setBuddy(self.user_box)
        self.action_label.setBuddy(self.action_box)
        self.count_label = named(QLabel(wordWrap=True), "auditCount")
        self.result_label = named(QLabel(wordWrap=True), "auditResult")
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.verify_button)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.result_label)
        layout.addLayout(bottom)
        self.day_check.toggled.connect(self.day_edit.setEnabled)
        self.day_check.toggled.connect(lambda _on: self.refresh())
        self.day_edit.dateChanged.connect(lambda _day: self.refresh())
        self.user_box.activated.connect(lambda _index: self.refresh())
        self.action_box.activated.connect(lambda _index: self.refresh())
        self.person_edit.returnPressed.connect(self.refresh)
        self.filter_button.clicked.connect(self.refresh)
        self.export_button.clicked.connect(self.on_export_clicked)
        self.verify_button.clicked.connect(self.on_verify_clicked)

    @property
    def wanted(self) -> AuditFilter:
        """The filters as chosen."""
        day = None
        if self.day_check.isChecked():
            chosen = self.day_edit.date()
            day = date(chosen.year(), chosen.month(), chosen.day())
        return AuditFilter(
            person=self.person_edit.text().strip(),
            user=str(self.user_box.currentData() or ""),
            day=day,
            action=str(self.action_box.currentData() or ""),
        )

    def refresh(self) -> None:
        """Read the entries the filters keep (on the worker)."""
        work = partial(read_page, self._context, self._actor, self.wanted)
        self._tasks.run(work, self.on_read, self.on_failed, latest="audit")

    def on_read(self, read: tuple[list[dict[str, Any]], list[str]]) -> None:
        """Show the entries just read, and offer the accounts in the officer filter."""
        self.entries, users = read
        names = ["", "system", *users]
        if [self.user_box.itemData(i) for i in range(self.user_box.count())] != names:
            chosen = self.user_box.currentData()
            self.user_box.clear()
            for name in names:
                self.user_box.addItem(
                    name or self._language.translator("desk.audit.everyone"), name
                )
            self.user_box.setCurrentIndex(max(0, self.user_box.findData(chosen or "")))
        self._error = None
        self._fill()

    def on_failed(self, error: BaseException) -> None:
        """Say why nothing could be read (a filter naming nobody, a refused role)."""
        self._error = _refusal(error, "desk.audit.failed")
        self.entries = []
        self._fill()

    def on_export_clicked(self) -> None:
        """Ask where, then write the entries the filters keep as CSV (on the worker)."""
        path = self.choose_file()
        if not path:
            return
        target = Path(path)
        work = partial(export_entries, self._context, self._actor, self.wanted, target, True)
        self.export_button.setEnabled(False)
        self._tasks.run(work, partial(self.on_exported, target), self.on_export_failed)

    def on_exported(self, target: Path, count: int) -> None:
        """Say what was written."""
        self.export_button.setEnabled(True)
        name = isolate(target.name)
        self._result = lambda tr: tr("desk.audit.exported", count=count, file=name)
        self._say_result()

    def on_export_failed(self, error: BaseException) -> None:
        """Say why nothing was written."""
        self.export_button.setEnabled(True)
        self._result = _refusal(error, "desk.audit.export_failed")
        self._say_result()

    def on_verify_clicked(self) -> None:
        """Check the whole trail's chain (on the worker), as ``baom audit verify`` does."""
        self.verify_button.setEnabled(False)
        work = partial(check_trail, self._context, self._actor)
        self._tasks.run(work, self.on_verified, self.on_verify_failed)

    def on_verified(self, verdict: Verdict) -> None:
        """Say whether the trail is intact, or which entry breaks it."""
        self.verify_button.setEnabled(True)
        if verdict.intact:
            self._result = lambda tr: tr("desk.audit.intact", count=verdict.entries)
        else:
            seq = verdict.broken_seq if verdict.broken_seq is not None else verdict.entries + 1
            self._result = lambda tr: tr("desk.audit.broken", seq=seq, count=verdict.entries)
        self._say_result()

    def on_verify_failed(self, error: BaseException) -> None:
        """Say why the trail could not be checked."""
        self.verify_button.setEnabled(True)
        self._result = _refusal(error, "desk.audit.failed")
        self._say_result()

    def _say_result(self) -> None:
        """Show what the export or the check found, and have a screen reader say it."""
        self._show_message()
        announce(self, self.result_label.text())

    def _ask_file(self) -> str:
        tr = self._language.translator
        suggested = f"audit-{office_today().isoformat()}.csv"
        path, _ = QFileDialog.getSaveFileName(
            self, tr("desk.audit.export"), str(Path.home() / suggested), "CSV (*.csv)"
        )
        return path

    def retranslate(self) -> None:
        """Re-read every text in the officer's language."""
        tr = self._language.translator
        self.title_label.setText(tr("desk.nav.audit"))
        self.user_label.setText(tr("desk.audit.user"))
        self.person_label.setText(tr("desk.audit.person"))
        self.person_edit.setPlaceholderText(tr("desk.audit.person_placeholder"))
        self.action_label.setText(tr("desk.audit.action_filter"))
        self.action_box.setItemText(0, tr("desk.audit.all_actions"))
        for index, action in enumerate(ACTIONS, start=1):
            self.action_box.setItemText(index, action_text(action, tr))
        if self.user_box.count():
            self.user_box.setItemText(0, tr("desk.audit.everyone"))
        self.day_check.setText(tr("desk.audit.day"))
        name_widget(self.user_box, tr("desk.audit.user"))
        name_widget(self.action_box, tr("desk.audit.action_filter"))
        name_widget(self.day_edit, tr("desk.audit.day"))
        self.day_edit.setLocale(QLocale(QT_LOCALES.get(self._language.code, "fr_MA")))
        self.day_edit.setDisplayFormat("dd/MM/yyyy")
        self.filter_button.setText(tr("desk.audit.apply"))
        self.export_button.setText(tr("desk.audit.export"))
        self.verify_button.setText(tr("desk.audit.verify"))
        self.table.setHorizontalHeaderLabels([tr(f"desk.audit.column.{c}") for c in COLUMNS])
        self._fill()

    def _fill(self) -> None:
        tr = self._language.translator
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            kind = entry["entity_type"]
            record = record_text(tr, kind) if kind else ""
            if entry["entity_id"]:
                record = f"{record} \u2066{entry['entity_id'][-12:]}\u2069".strip()
            cells = (
                "\u2066"
                + office_time(datetime.fromisoformat(entry["at"]), "%Y-%m-%d %H:%M:%S")
                + "\u2069",
                isolate(entry["user_name"]),
                action_text(entry["action"], tr),
                record,
                detail_text(entry, tr),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(entry["entity_id"] if column == 3 else text)
                self.table.setItem(row, column, item)
        self._show_message()

    def _show_message(self) -> None:
        tr = self._language.translator
        self.result_label.setVisible(self._result is not None)
        if self._result is not None:
            self.result_label.setText(self._result(tr))
        if self._error is not None:
            self.count_label.setText(self._error(tr))
        elif not self.entries:
            self.count_label.setText(tr("desk.audit.none"))
        else:
            key = "desk.audit.count_more" if len(self.entries) >= SHOWN else "desk.audit.count"
            self.count_label.setText(tr(key, count=len(self.entries)))


def _refusal(error: BaseException, fallback: str) -> Callable[[Translator], str]:
    """The officer's words for a refusal of the core, else ``fallback`` (and a log line)."""
    if isinstance(error, AuditQueryError):
        key, params = error.message_key, error.params
        return lambda tr: tr(key, **params)
    if isinstance(error, AccountError):
        message = error.message_key
        return lambda tr: tr(message)
    log.error("the audit could not be read or written", exc_info=error)
    return lambda tr: tr(fallback, detail=error)
