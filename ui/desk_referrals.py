"""The desk's Referrals section: every referral, or the overdue ones only; Enter opens its case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from kiosk.cases import work as case_work
from kiosk.office import OfficeContext
from ui.case_page import local_time
from ui.language import LanguageState
from ui.styles import LATE_COLOR, named
from ui.tasks import Follow, FollowingWidget, Tasks

COLUMNS = ("code", "case", "need", "service", "priority", "state", "due", "phone")


class ReferralsPage(FollowingWidget):
    """The referrals as a table, with an "overdue only" filter.

    Signals:
        referrals_shown(int): the table was filled; carries how many rows.
        case_requested(str): open this case; carries its id.
    """

    referrals_shown = Signal(int)
    case_requested = Signal(str)

    def __init__(
        self,
        context: OfficeContext,
        language: LanguageState,
        tasks: Tasks,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__()
        self.section = "referrals"
        self._context = context
        self._language = language
        self._tasks = tasks
        self._now = now
        self.rows: list[dict[str, Any]] = []
        self.title_label = named(QLabel(), "pageTitle")
        self.overdue_check = named(QCheckBox(), "overdueOnly")
        self.message_label = named(QLabel(wordWrap=True), "readFailed")
        self.message_label.hide()
        self.table = named(QTableWidget(0, len(COLUMNS)), "referralTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.title_label.setBuddy(self.table)  # the table is named after the page
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.overdue_check)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message_label)
        layout.addWidget(self.table, 1)
        self.overdue_check.toggled.connect(self.refresh)
        self.table.cellActivated.connect(self.on_row_activated)
        self.table.cellDoubleClicked.connect(self.on_row_activated)
        language.language_changed.connect(self.retranslate)
        self.retranslate()
        # Overdue also depends on the clock: read again at every visit.
        self.follow = Follow(self, tasks, {"referral", "case"}, self.refresh, every_show=True)
        language.language_changed.connect(self.follow.changed)  # services named anew

    def refresh(self) -> None:
        """Read the referrals again (on the worker)."""
        work = partial(
            case_work.read_referrals,
            self._context,
            self.overdue_check.isChecked(),
            self._now(),
            self._language.code,
        )
        self._tasks.run(work, self.on_read, self.on_read_failed, latest="referrals")

    def on_read(self, rows: list[dict[str, Any]]) -> None:
        """Show the referrals just read."""
        self.rows = rows
        self.message_label.hide()
        self._fill()
        self.referrals_shown.emit(len(rows))

    def on_read_failed(self, error: BaseException) -> None:
        """Say that the referrals could not be read, in the officer's language."""
        self.message_label.setText(self._language.translator("desk.read_failed", detail=error))
        self.message_label.show()

    def retranslate(self) -> None:
        """Re-read the texts in the officer's language."""
        tr = self._language.translator
        self.title_label.setText(tr("desk.nav.referrals"))
        self.overdue_check.setText(tr("desk.referrals.overdue_only"))
        self.table.setHorizontalHeaderLabels([tr(f"desk.referrals.column_{c}") for c in COLUMNS])
        self._fill()

    def _fill(self) -> None:
        tr = self._language.translator
        self.table.setRowCount(len(self.rows))
        for row, referral in enumerate(self.rows):
            state = tr(f"desk.referral_state.{referral['state']}")
            if referral["overdue"]:
                state += f" ({tr('desk.home.overdue')})"
            cells = (
                referral["code"],
                referral["case_code"],
                tr(f"directory.category.{referral['need']}"),
                referral["service"],
                tr(f"desk.referral.priority_{referral['priority']}"),
                state,
                local_time(referral["due"]),
                tr("desk.home.no_call")
                if referral["no_call"]
                else "\u2066" + referral["phone"] + "\u2069",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if referral["overdue"]:
                    item.setForeground(QColor(LATE_COLOR))
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()

    def on_row_activated(self, row: int, _column: int = 0) -> None:
        """Open the case of the referral on ``row``."""
        if 0 <= row < len(self.rows):
            self.case_requested.emit(self.rows[row]["case_id"])
