"""The desk's Queue page: the officer's counter, the waiting tickets, the current ticket.

Every operation runs through :class:`~kiosk.queue.service.QueueService` on the worker thread;
the page reads the queue again after each of its own operations and whenever another
process or window changes the database. A refused transition is shown as a sentence in the
officer's language. The chosen counter is remembered for this PC (``desk.counter``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.models import TicketState
from db.uow import Actor
from kiosk.accounts import Permission, has_permission
from kiosk.i18n import Translator
from kiosk.office import OfficeContext
from kiosk.queue.config import ReasonsError
from kiosk.queue.service import QueueService
from kiosk.queue.states import (
    AFTER_SERVICE,
    TRANSITIONS,
    Action,
    CounterBusy,
    InvalidTransition,
    QueueError,
)
from kiosk.queue.views import Outcome, QueueStatus, TicketView
from ui.accessibility import announce, name_widget, shortcut_button
from ui.language import LanguageState
from ui.styles import named, text_scale
from ui.tasks import Follow, FollowingWidget, Tasks, ignore_result

log = logging.getLogger(__name__)

WAITED_REFRESH_MS = 30_000
BUTTON_COLUMNS = 3  # so that the waiting list keeps room at the desk's 1100 px
WAITING_MIN_WIDTH = 300
WAITING_MIN_HEIGHT = 200
"""The waiting list's least size at the desk's default text size (larger with it)."""


@dataclass(frozen=True)
class Command:
    """One button of the page: its name (catalog key and action), its shortcut."""

    name: str
    shortcut: str
    action: Action | None


COMMANDS = (
    Command("call_next", "F2", Action.CALL),
    Command("recall", "F3", Action.RECALL),
    Command("start", "F4", Action.START),
    Command("done", "F5", Action.DONE),
    Command("no_show", "F6", Action.NO_SHOW),
    Command("transfer", "F7", Action.TRANSFER),
    Command("hold", "F8", Action.HOLD),
    Command("call_this", "F9", Action.CALL),
    Command("cancel", "F10", Action.CANCEL),
    Command("reactivate", "F11", Action.REACTIVATE),
)
SELECTED_COMMANDS = frozenset({"call_this", "cancel", "reactivate"})  # act on the list's ticket
NEWS, REFUSAL = "news", "refusal"
"""The two kinds of message under the buttons (the style sheet colours them apart)."""
ACTION_COMMAND = {
    Action.RECALL: "recall",
    Action.START: "start",
    Action.DONE: "done",
    Action.NO_SHOW: "no_show",
    Action.TRANSFER: "transfer",
    Action.HOLD: "hold",
    Action.CALL: "call_this",
    Action.CANCEL: "cancel",
    Action.REACTIVATE: "reactivate",
}


@dataclass(frozen=True)
class QueueReading:
    """One reading of the queue: the open tickets, today's no-shows, this PC's counter, and
    whether the officer receives visitors who ask for a woman (read with the first one)."""

    status: QueueStatus
    no_shows: tuple[TicketView, ...]
    counter: int
    receives_women: bool | None = None


def read_queue(
    context: OfficeContext, queue: QueueService, actor: Actor | None = None
) -> QueueReading:
    """The open tickets, today's no-shows and the counter set (on the worker thread); with
    ``actor``, also whether that officer receives visitors who ask for a woman."""
    counter = int(context.settings.get("desk.counter"))
    women = context.accounts.receives_women(actor) if actor is not None else None
    return QueueReading(queue.status(), queue.no_shows(), counter, women)


def set_receives_women(context: OfficeContext, actor: Actor, value: bool) -> None:
    """Remember the officer's choice in their profile (on the worker thread: the accounts
    read the office's settings)."""
    context.accounts.set_receives_women(actor, value)


def minutes_since(moment: datetime, now: datetime) -> int:
    """Whole minutes from ``moment`` (naive means UTC) to ``now``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0, int((now - moment).total_seconds() // 60))


def current_ticket(status: QueueStatus, counter: int | None) -> TicketView | None:
    """The ticket called or served at ``counter`` most recently."""
    mine = [t for t in (*status.called, *status.serving) if t.counter == counter]
    if not mine:
        return None
    return max(mine, key=lambda t: (t.first_called_at or t.arrived_at, t.number))


class QueuePage(FollowingWidget):
    """The officer's queue: counter, waiting tickets by reason, current ticket, actions.

    Signals:
        intake_requested(ticket_id): the officer starts the intake of the visitor served.
    """

    intake_requested = Signal(object)

    def __init__(
        self,
        context: OfficeContext,
        language: LanguageState,
        actor: Actor,
        tasks: Tasks,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__()
        self.section = "queue"
        self._context = context
        self._language = language
        self._actor = actor
        self._tasks = tasks
        self._now = now
        self.queue = QueueService.for_office(context)
        self.status: QueueStatus | None = None
        self.no_shows: tuple[TicketView, ...] = ()
        self.current: TicketView | None = None
        self._message: Callable[[Translator], str] | None = None
        self.busy = False
        self._counter_restored = False  # the counter set for this PC, shown at the first read
        self._build()
        self.counter_combo.currentIndexChanged.connect(self.on_counter_chosen)
        language.language_changed.connect(self.retranslate)
        self.retranslate()
        self.follow = Follow(self, tasks, {"ticket", "queue_event"}, self.refresh)
        # The minutes waited move on with the clock: read again now and then, when shown.
        self._timer = QTimer(self, interval=WAITED_REFRESH_MS)
        self._timer.timeout.connect(self.follow.changed)
        self._timer.start()

    def _build(self) -> None:
        self.title_label = named(QLabel(), "pageTitle")
        self.counter_label = QLabel()
        self.counter_combo = named(QComboBox(), "counterChoice")
        self.counter_combo.addItem("", None)
        for counter in self.queue.config.counters:
            self.counter_combo.addItem("", counter.number)
        self.counter_label.setBuddy(self.counter_combo)  # a screen reader's name for it
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.counter_label)
        top.addWidget(self.counter_combo)
        # the officer's profile: they receive visitors who asked for a woman at the kiosk
        self.women_check = named(QCheckBox(), "receivesWomen")
        self.women_check.setEnabled(False)  # until the first reading says what it is
        self.women_check.toggled.connect(self.on_receives_women_toggled)
        profile = QHBoxLayout()
        profile.addStretch(1)
        profile.addWidget(self.women_check)

        self.current_title = named(QLabel(), "queueHeading")
        self.current_label = named(QLabel(wordWrap=True), "currentTicket")
        self.waiting_title = named(QLabel(), "queueHeading")
        self.tree = named(QTreeWidget(), "waitingTickets")
        self.tree.setColumnCount(3)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)

        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        for index, command in enumerate(COMMANDS):
            button = named(QPushButton(), "queueButton")
            button.setMinimumHeight(44)
            # Its key works in the whole desk window while this page is shown (a hidden
            # page's buttons take no key), and a screen reader reads it as the button's.
            button.setShortcut(QKeySequence(command.shortcut))
            button.clicked.connect(partial(self.on_command, command.name))
            grid.addWidget(button, index // BUTTON_COLUMNS, index % BUTTON_COLUMNS)
            self.buttons[command.name] = button
        self.transfer_label = QLabel()
        self.transfer_combo = named(QComboBox(), "transferReason")
        for reason in self.queue.config.reasons:
            self.transfer_combo.addItem("", reason.key)  # another reason: its key
        self.transfer_combo.insertSeparator(self.transfer_combo.count())
        for counter in self.queue.config.counters:
            self.transfer_combo.addItem("", counter.number)  # another counter: its number
        self.transfer_label.setBuddy(self.transfer_combo)
        transfer = QHBoxLayout()
        transfer.addWidget(self.transfer_label)
        transfer.addWidget(self.transfer_combo, 1)
        self.message_label = named(QLabel(wordWrap=True), "queueMessage")
        self.intake_button = named(QPushButton(), "startIntake")
        self.close_day_button = named(QPushButton(), "closeDay")
        self.close_day_button.setVisible(has_permission(self._actor, Permission.CLOSE_DAY))
        self.close_day_button.clicked.connect(self.on_close_day_clicked)
        self.intake_button.setMinimumHeight(44)
        self.intake_button.clicked.connect(self.on_intake_clicked)

        left = QVBoxLayout()
        left.addWidget(self.current_title)
        left.addWidget(self.current_label)
        left.addSpacing(8)
        left.addLayout(grid)
        left.addWidget(self.intake_button)
        left.addLayout(transfer)
        left.addWidget(self.message_label)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.waiting_title)
        right.addWidget(self.tree, 1)
        right.addWidget(self.close_day_button)
        self._fit_waiting_list()
        self.waiting_title.setBuddy(self.tree)  # the list is named after its heading
        body = QHBoxLayout()
        body.addLayout(left, 3)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(profile)
        layout.addLayout(body, 1)

    def _fit_waiting_list(self) -> None:
        """The waiting list's least size, larger with the desk's text: a reason and its
        tickets on a line, and a few tickets under one another."""
        scale = text_scale(self)
        self.tree.setMinimumSize(
            round(WAITING_MIN_WIDTH * scale), round(WAITING_MIN_HEIGHT * scale)
        )

    def changeEvent(self, event: QEvent) -> None:
        """The desk's text size changed: so does the waiting list's least size."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_waiting_list()

    # --- reading ---------------------------------------------------------------------

    @property
    def counter(self) -> int | None:
        """The counter this officer works at (None until chosen)."""
        value = self.counter_combo.currentData()
        return None if value is None else int(value)

    def refresh(self) -> None:
        """Read the queue again (on the worker thread)."""
        actor = None if self._counter_restored else self._actor
        work = partial(read_queue, self._context, self.queue, actor)
        self._tasks.run(work, self.on_queue_loaded, self.on_read_failed, latest="queue")

    def on_read_failed(self, error: BaseException) -> None:
        """Keep the page as it is; say that the queue could not be read."""
        self._show_message("desk.queue.failed", REFUSAL, detail=error)

    def on_queue_loaded(self, reading: QueueReading) -> None:
        """Show the queue just read."""
        if reading.receives_women is not None:
            self.women_check.blockSignals(True)  # shown, not chosen again
            self.women_check.setChecked(reading.receives_women)
            self.women_check.blockSignals(False)
            self.women_check.setEnabled(True)
        if not self._counter_restored:
            self._restore_counter(reading.counter)
        self.no_shows = reading.no_shows
        self.on_status_loaded(reading.status)

    def _restore_counter(self, saved: int) -> None:
        self._counter_restored = True
        if self.counter is not None:  # chosen before the first reading came: the officer's
            return
        numbers = [counter.number for counter in self.queue.config.counters]
        self.counter_combo.blockSignals(True)  # shown, not chosen again
        self.counter_combo.setCurrentIndex(numbers.index(saved) + 1 if saved in numbers else 0)
        self.counter_combo.blockSignals(False)
        if self.counter is None:
            self._show_message("desk.queue.counter_hint")

    def on_status_loaded(self, status: QueueStatus) -> None:
        """Show the open tickets just read."""
        self.status = status
        self.current = current_ticket(status, self.counter)
        self._fill()

    # --- showing ---------------------------------------------------------------------

    def retranslate(self) -> None:
        """Re-read every text in the officer's language."""
        tr = self._language.translator
        code = self._language.code
        self.title_label.setText(tr("desk.nav.queue"))
        self.counter_label.setText(tr("desk.queue.counter"))
        name_widget(self.counter_combo, tr("desk.queue.counter"))
        self.counter_combo.setItemText(0, tr("desk.queue.choose_counter"))
        self.women_check.setText(tr("desk.queue.receives_women"))
        self.women_check.setToolTip(tr("desk.queue.receives_women_hint"))
        for index, counter in enumerate(self.queue.config.counters, start=1):
            self.counter_combo.setItemText(index, counter.labels[code])
        for index, reason in enumerate(self.queue.config.reasons):
            self.transfer_combo.setItemText(index, reason.labels[code])
        first_counter = len(self.queue.config.reasons) + 1  # after the separator
        for index, counter in enumerate(self.queue.config.counters, start=first_counter):
            self.transfer_combo.setItemText(index, counter.labels[code])
        self.transfer_label.setText(tr("desk.queue.transfer_to"))
        name_widget(self.transfer_combo, tr("desk.queue.transfer_to"))
        self.intake_button.setText(tr("desk.queue.start_intake"))
        self.close_day_button.setText(tr("desk.queue.close_day"))
        self.current_title.setText(tr("desk.queue.current"))
        self.waiting_title.setText(tr("desk.queue.waiting"))
        self.tree.setHeaderLabels(
            [
                tr("desk.queue.column_number"),
                tr("desk.queue.column_waited"),
                tr("desk.queue.column_state"),
            ]
        )
        for command in COMMANDS:
            shortcut_button(self.buttons[command.name], tr(f"desk.queue.{command.name}"))
        self.message_label.setText("" if self._message is None else self._message(tr))
        self._fill()

    def _fill(self) -> None:
        tr = self._language.translator
        code = self._language.code
        self._update_enabled()
        current = self.current
        if current is None:
            self.current_label.setText(tr("desk.queue.no_current"))
        else:
            state = tr(f"desk.queue.state.{current.state.value}")
            if current.state is TicketState.CALLED:
                state += " · " + tr("desk.queue.call_count", count=current.call_count)
            self.current_label.setText(
                tr(
                    "desk.queue.current_line",
                    number=current.number,
                    reason=self.queue.config.reason(current.reason).labels[code],
                    state=state,
                )
            )
        selected = self.selected_ticket
        self.tree.clear()
        if self.status is None:
            return
        now = self._now()
        tickets = (*self.status.waiting, *self.status.on_hold)
        for reason in self.queue.config.reasons:
            mine = sorted(
                (t for t in tickets if t.reason == reason.key), key=lambda t: t.arrived_at
            )
            if not mine:
                continue
            group = QTreeWidgetItem(
                [tr("desk.queue.reason_heading", reason=reason.labels[code], count=len(mine))]
            )
            group.setFirstColumnSpanned(True)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(group)
            for ticket in mine:
                state = tr(f"desk.queue.state.{ticket.state.value}")
                if ticket.priority:
                    state += " · " + tr("desk.queue.priority")
                waited = tr("desk.queue.minutes", minutes=minutes_since(ticket.arrived_at, now))
                item = QTreeWidgetItem([ticket.number, waited, state])
                item.setData(0, Qt.ItemDataRole.UserRole, ticket.number)
                group.addChild(item)
                if ticket.number == selected:
                    item.setSelected(True)
                    self.tree.setCurrentItem(item)
            group.setFirstColumnSpanned(True)
            group.setExpanded(True)
        self._add_no_shows(selected)
        for column in range(3):
            self.tree.resizeColumnToContents(column)

    def _add_no_shows(self, selected: str | None) -> None:
        if not self.no_shows:
            return
        tr = self._language.translator
        code = self._language.code
        group = QTreeWidgetItem([tr("desk.queue.no_show_heading", count=len(self.no_shows))])
        group.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.tree.addTopLevelItem(group)
        for ticket in self.no_shows:
            reason = self.queue.config.reason(ticket.reason).labels[code]
            item = QTreeWidgetItem([ticket.number, reason, tr("desk.queue.state.no_show")])
            item.setData(0, Qt.ItemDataRole.UserRole, ticket.number)
            group.addChild(item)
            if ticket.number == selected:
                item.setSelected(True)
                self.tree.setCurrentItem(item)
        group.setFirstColumnSpanned(True)
        group.setExpanded(True)

    def _update_enabled(self) -> None:
        """Enable what can be done now: nothing until a counter is chosen or while busy; on
        this counter's ticket, only what its state allows."""
        chosen = self.counter is not None and not self.busy
        state = self.current.state if self.current is not None else None
        for command in COMMANDS:
            allowed = chosen
            if command.name != "call_next" and command.name not in SELECTED_COMMANDS:
                assert command.action is not None
                allowed = allowed and state in TRANSITIONS[command.action].sources
            self.buttons[command.name].setEnabled(allowed)
        serving = self.current is not None and self.current.state is TicketState.SERVING
        self.intake_button.setEnabled(serving)
        self.close_day_button.setEnabled(not self.busy)

    def on_close_day_clicked(self) -> None:
        """Close every ticket still open, once the supervisor confirms (the office closes)."""
        if self.busy or self.status is None:
            return
        tr = self._language.translator
        status = self.status
        still_open = len(status.waiting + status.called + status.serving + status.on_hold)
        answer = QMessageBox.question(
            self,
            tr("desk.queue.close_day"),
            tr("desk.queue.close_day_confirm", count=still_open),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.busy = True
        self._update_enabled()
        work = partial(self.queue.close_day, self._actor)
        self._tasks.run(work, self.on_day_closed, self.on_refused)

    def on_day_closed(self, outcome: Outcome) -> None:
        """Say how many tickets were closed (the list follows the change)."""
        self.busy = False
        self.current = None
        self._show_message("desk.queue.day_closed", count=len(outcome.tickets))
        self._fill()

    def on_intake_clicked(self) -> None:
        """Start the intake of the visitor whose ticket is being served."""
        if self.current is not None:
            self.intake_requested.emit(self.current.id)

    @property
    def selected_ticket(self) -> str | None:
        """The number of the ticket selected in the list, if any."""
        item = self.tree.currentItem()
        if item is None or not item.isSelected():
            return None
        value = item.data(0, Qt.ItemDataRole.UserRole)
        return None if value is None else str(value)

    def select_ticket(self, number: str) -> None:
        """Select ``number`` in the list (as if the officer clicked it)."""
        for group_index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(group_index)
            assert group is not None, "an index below topLevelItemCount() has an item"
            for index in range(group.childCount()):
                item = group.child(index)
                assert item is not None, "an index below childCount() has an item"
                if item.data(0, Qt.ItemDataRole.UserRole) == number:
                    self.tree.setCurrentItem(item)
                    item.setSelected(True)
                    return
        raise LookupError(f"{number} is not in the list")

    def _show_message(self, key: str, kind: str = NEWS, **params: object) -> None:
        self._say(lambda tr: tr(key, **params), kind)

    def _say(self, message: Callable[[Translator], str] | None, kind: str = NEWS) -> None:
        """Show ``message`` (re-read in the officer's language when it changes), coloured as
        news (what was done) or as a refusal, and have a screen reader say it (a ticket
        called, a refusal) where the officer's focus is."""
        self._message = message
        self.message_label.setText("" if message is None else message(self._language.translator))
        self.message_label.setProperty("kind", kind)
        self.message_label.style().polish(self.message_label)
        announce(self, self.message_label.text(), urgent=kind == REFUSAL)

    # --- acting ----------------------------------------------------------------------

    def on_counter_chosen(self, _index: int) -> None:
        """Remember the counter for this PC and show its current ticket."""
        counter = self.counter
        if counter is not None:
            work = partial(self._context.settings.set, self._actor, "desk.counter", str(counter))
            self._tasks.run(work, ignore_result, self.on_counter_not_saved)
            self._say(None)
        if self.status is not None:
            self.current = current_ticket(self.status, counter)
        self._fill()

    def on_receives_women_toggled(self, checked: bool) -> None:
        """Remember in the officer's profile whether they receive visitors who ask for a
        woman: their counter then offers those tickets first."""
        work = partial(set_receives_women, self._context, self._actor, checked)
        self._tasks.run(work, ignore_result, self.on_counter_not_saved)

    def on_counter_not_saved(self, error: BaseException) -> None:
        """The counter holds for now but was not remembered for this PC: say so."""
        self._show_message("desk.queue.failed", REFUSAL, detail=error)

    def on_command(self, name: str) -> None:
        """Run one button's operation on the worker thread."""
        counter = self.counter
        if counter is None or self.busy:
            return
        queue, actor = self.queue, self._actor
        work: Callable[[], Outcome | None]
        if name == "call_next":
            work = partial(queue.call_next, actor, counter)
        elif name in SELECTED_COMMANDS:
            number = self.selected_ticket
            if number is None:
                self._show_message("desk.queue.select_ticket", REFUSAL)
                return
            if name == "call_this":
                work = partial(queue.call, actor, number, counter)
            else:
                work = partial(getattr(queue, name), actor, number)
        else:
            if self.current is None:
                self._show_message("desk.queue.no_current", REFUSAL)
                return
            number = self.current.number
            if name == "transfer":
                target = self.transfer_combo.currentData()
                if isinstance(target, int):
                    work = partial(queue.transfer, actor, number, counter=target)
                else:
                    work = partial(queue.transfer, actor, number, reason=target)
            else:
                work = partial(getattr(queue, name), actor, number)
        self.busy = True
        self._update_enabled()
        self._tasks.run(work, partial(self.on_done, name), self.on_refused)

    def on_done(self, name: str, outcome: Outcome | None) -> None:
        """Say what happened (the queue is read again as it changed)."""
        self.busy = False
        if outcome is None:
            self._show_message("desk.queue.nobody_waiting")
        elif name in ("call_next", "call_this"):
            ticket = outcome.ticket
            self._show_message("desk.queue.called", number=ticket.number, counter=ticket.counter)
        elif name in ("cancel", "reactivate", "transfer"):
            self._show_message(f"desk.queue.{name}_done", number=outcome.ticket.number)
        else:
            self._say(None)
        # cancel and reactivate act on a ticket of the list, not on this counter's ticket
        if (
            outcome is not None
            and self.status is not None
            and name not in SELECTED_COMMANDS - {"call_this"}
        ):
            self.current = outcome.ticket if outcome.ticket.counter == self.counter else None
            if self.current is not None and self.current.state not in (
                TicketState.CALLED,
                TicketState.SERVING,
            ):
                self.current = None
        self._fill()

    @staticmethod
    def ask_after_service(parent: QWidget, language: LanguageState, number: str) -> Action | None:
        """Ask what becomes of ticket ``number``, still served at this counter, before the next
        one is called: done, on hold or a no-show; None to go back to it."""
        tr = language.translator
        box = QMessageBox(
            QMessageBox.Icon.Question,
            tr("desk.queue.current"),
            tr("desk.queue.busy_question", number=number),
            parent=parent,
        )
        role = QMessageBox.ButtonRole.AcceptRole
        choices: dict[QAbstractButton, Action] = {
            box.addButton(tr(f"desk.queue.{ACTION_COMMAND[action]}"), role): action
            for action in AFTER_SERVICE
        }
        box.setDefaultButton(
            box.addButton(tr("desk.queue.busy_keep"), QMessageBox.ButtonRole.RejectRole)
        )
        box.exec()
        return choices.get(box.clickedButton())

    def _call_next_after(self, number: str) -> None:
        """Call the next ticket once the officer said what becomes of ``number``."""
        then = self.ask_after_service(self, self._language, number)
        counter = self.counter
        if then is None or counter is None:
            self.refresh()
            return
        self.busy = True
        self._update_enabled()
        work = partial(self.queue.call_next, self._actor, counter, then)
        self._tasks.run(work, partial(self.on_done, "call_next"), self.on_refused)

    def on_refused(self, error: BaseException) -> None:
        """Show why the operation was refused, in the officer's language."""
        self.busy = False
        self._update_enabled()
        if isinstance(error, CounterBusy):
            self._call_next_after(error.number)
            return
        if isinstance(error, InvalidTransition):
            if error.action is Action.RECALL and error.state is TicketState.CALLED:
                self._show_message("desk.queue.limit_reached", REFUSAL, number=error.number)
            elif error.action is Action.NO_SHOW and error.state is TicketState.CALLED:
                self._show_message("desk.queue.recall_first", REFUSAL, number=error.number)
            else:
                state = f"desk.queue.state.{error.state.value}"
                action = f"desk.queue.{ACTION_COMMAND.get(error.action, 'call_this')}"
                number = error.number
                self._say(
                    lambda tr: tr(
                        "desk.queue.refused", number=number, state=tr(state), action=tr(action)
                    ),
                    REFUSAL,
                )
        else:
            if not isinstance(error, QueueError | ReasonsError):
                log.error("a queue operation failed", exc_info=error)
            self._show_message("desk.queue.failed", REFUSAL, detail=error)
        self.refresh()
