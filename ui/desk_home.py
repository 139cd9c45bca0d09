"""The desk's home page, the first after login: what to follow up today.

Three lists: steps due today or overdue (with the countdown of a legal deadline running,
a birth's declaration), referrals past due without an outcome, intakes to finish. Each
line opens its case or its draft with a double click or Enter. The lists are read on the
worker, again whenever the database changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from kiosk.backups import backup_problem
from kiosk.cases import work as case_work
from kiosk.office import OfficeContext
from ui.case_page import local_time
from ui.language import LanguageState, isolate
from ui.styles import LATE_COLOR, named
from ui.tasks import Follow, FollowingWidget, Tasks

LISTS = ("steps", "referrals", "drafts")


def fit_rows(view: QListWidget) -> None:
    """Give each line of ``view`` the height its wrapped text needs.

    Qt under-estimates it for a right-to-left line that holds left-to-right text (a French
    name in the Arabic desk) and then elides the text; measuring it here avoids that.
    """
    metrics = view.fontMetrics()
    width = max(120, view.viewport().width() - 20)
    flags = int(Qt.TextFlag.TextWordWrap)
    for row in range(view.count()):
        item = view.item(row)
        height = metrics.boundingRect(QRect(0, 0, width, 10_000), flags, item.text()).height()
        item.setSizeHint(QSize(width, height + metrics.lineSpacing() + 16))


SHOWN_TABLES = frozenset(
    {"case", "accompaniment_step", "case_itinerary", "referral", "intake_draft"}
)
"""The tables the home page's lists come from."""


class HomePage(FollowingWidget):
    """Steps due, referrals overdue and drafts, each one Enter away from its case or draft.

    ``user_id`` is the officer logged in: only their own drafts are listed (none without).
    A supervisor (``show_backups``) also reads, at every visit, a line saying that the last
    backup failed or missed its second folder.

    Signals:
        lists_shown(): the lists were painted.
        case_requested(str): open this case; carries its id.
        draft_requested(str): resume this draft; carries its id.
        intake_requested(): start a new intake.
    """

    lists_shown = Signal()
    case_requested = Signal(str)
    draft_requested = Signal(str)
    intake_requested = Signal()

    def __init__(
        self,
        context: OfficeContext,
        language: LanguageState,
        tasks: Tasks,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        user_id: uuid.UUID | None = None,
        show_backups: bool = False,
    ) -> None:
        super().__init__()
        self.section = "home"
        self._user_id = user_id
        self._show_backups = show_backups
        self.backup_problem: dict[str, str] | None = None
        self._context = context
        self._language = language
        self._tasks = tasks
        self._now = now
        self.data: dict[str, list[dict[str, Any]]] | None = None
        self.title_label = named(QLabel(), "pageTitle")
        self.new_button = named(QPushButton(), "newIntake")
        self.hint_label = named(QLabel(wordWrap=True), "homeHint")
        self.backup_label = named(QLabel(wordWrap=True), "homeBackup")
        self.backup_label.hide()
        self.headings: dict[str, QLabel] = {}
        self.lists: dict[str, QListWidget] = {}
        grid = QGridLayout()
        for column, name in enumerate(LISTS):
            heading = named(QLabel(wordWrap=True), "homeHeading")
            view = named(QListWidget(), f"home_{name}")
            view.setWordWrap(True)
            view.itemActivated.connect(self.on_item_activated)
            view.itemDoubleClicked.connect(self.on_item_activated)
            heading.setBuddy(view)  # the list is named after its heading
            grid.addWidget(heading, 0, column)
            grid.addWidget(view, 1, column)
            self.headings[name], self.lists[name] = heading, view
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.backup_label)
        layout.addLayout(grid, 1)
        self.new_button.clicked.connect(self.intake_requested)
        language.language_changed.connect(self.retranslate)
        self.retranslate()
        # What is due or overdue also depends on the clock: read again at every visit.
        self.follow = Follow(self, tasks, SHOWN_TABLES, self.refresh, every_show=True)
        language.language_changed.connect(self.follow.changed)  # services named anew

    def refresh(self) -> None:
        """Read the lists again (on the worker)."""
        language = self._language.code
        work = partial(
            case_work.read_follow_up, self._context, self._user_id, self._now(), language
        )
        self._tasks.run(work, self.on_read, self.on_read_failed, latest="home")
        if self._show_backups:
            self._tasks.run_outside(
                partial(backup_problem, self._context.paths),
                self.on_backup_read,
                self.on_read_failed,
                latest="home backups",
            )

    def on_backup_read(self, problem: dict[str, str] | None) -> None:
        """Show (or hide) the line about the backups."""
        self.backup_problem = problem
        self._say_backup()

    def on_read(self, data: dict[str, list[dict[str, Any]]]) -> None:
        """Show the lists just read."""
        self.data = data
        self.retranslate()
        self.lists_shown.emit()

    def on_read_failed(self, error: BaseException) -> None:
        """Say that the lists could not be read, in the officer's language."""
        self.hint_label.setText(self._language.translator("desk.read_failed", detail=error))

    def resizeEvent(self, event: Any) -> None:
        """The lines wrap differently at another width: measure them again."""
        super().resizeEvent(event)
        for view in self.lists.values():
            fit_rows(view)

    def retranslate(self) -> None:
        """Re-read every text in the officer's language."""
        tr = self._language.translator
        self.title_label.setText(tr("desk.home.title"))
        self.new_button.setText(tr("desk.cases.new_intake"))
        self.hint_label.setText(tr("desk.home.open_hint"))
        self._say_backup()
        self._fill()

    def _say_backup(self) -> None:
        problem = self.backup_problem
        self.backup_label.setVisible(problem is not None)
        if problem is not None:
            when = local_time(problem["when"]) or "?"
            tr = self._language.translator
            self.backup_label.setText(tr(f"desk.home.backup_{problem['kind']}", when=when))

    def _fill(self) -> None:
        tr = self._language.translator
        data = self.data or {name: [] for name in LISTS}
        for name in LISTS:
            items = data.get(name, [])
            self.headings[name].setText(tr(f"desk.home.{name}", count=len(items)))
            view = self.lists[name]
            view.clear()
            for entry in items:
                item = QListWidgetItem(self._line(name, entry))
                target = entry["draft_id"] if name == "drafts" else entry["case_id"]
                item.setData(Qt.ItemDataRole.UserRole, (name, target))
                left = entry.get("days_left")
                if entry.get("overdue") or (left is not None and left < 7):
                    item.setForeground(QColor(LATE_COLOR))
                view.addItem(item)
            if not items:
                empty = QListWidgetItem(tr("desk.home.empty"))
                # read and drawn as text (a disabled line is pale grey), never chosen
                empty.setFlags(Qt.ItemFlag.ItemIsEnabled)
                view.addItem(empty)
            fit_rows(view)

    def _line(self, name: str, entry: dict[str, Any]) -> str:
        tr = self._language.translator
        if name == "steps":
            late = f" ({tr('desk.home.overdue')})" if entry["overdue"] else ""
            left = entry.get("days_left")
            if left is not None:  # a legal deadline's countdown
                key = "deadline_passed" if left < 0 else "deadline_today" if left == 0 else ""
                late += " — " + tr(f"desk.home.{key or 'deadline_left'}", days=abs(left))
            return tr(
                "desk.home.step_line",
                due="\u2066" + entry["due_on"] + "\u2069" + late,
                code=entry["case_code"],
                description=isolate(entry["description"]),
            ) + self._contact(entry)
        if name == "referrals":
            return tr(
                "desk.home.referral_line",
                code=entry["code"],
                service=isolate(entry["service"]),
                due=local_time(entry["due"]),
                state=tr(f"desk.referral_state.{entry['state']}"),
            ) + self._contact(entry)
        return tr(
            "desk.home.draft_line",
            name=isolate(entry["name"]) or tr("desk.cases.unnamed"),
            step=entry["step"] + 1,
            updated=local_time(entry["updated_at"]),
        )

    def _contact(self, entry: dict[str, Any]) -> str:
        """The person's phone on a line of its own, or "do not call" (never their number)."""
        tr = self._language.translator
        if entry["no_call"]:
            return "\n" + tr("desk.home.no_call")
        if entry["phone"]:
            return "\n" + tr("desk.home.phone", phone="\u2066" + entry["phone"] + "\u2069")
        return ""

    def on_item_activated(self, item: QListWidgetItem) -> None:
        """Open the case or the draft of a line."""
        data = item.data(Qt.ItemDataRole.UserRole)
        if not data:
            return
        name, target = data
        if name == "drafts":
            self.draft_requested.emit(target)
        else:
            self.case_requested.emit(target)
