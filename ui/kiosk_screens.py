"""The kiosk's steps after the language: the reason, priority, and the ticket.

Each screen re-reads its texts when the visitor's language changes; none of them shows or
asks for anything personal.
"""

from __future__ import annotations

from functools import partial
from itertools import pairwise

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from db.models import PriorityKind
from kiosk.queue.config import QueueConfig
from kiosk.queue.views import TakenTicket
from ui.language import LanguageState
from ui.pictograms import PictogramButton
from ui.styles import named

BUTTON_HEIGHT_PX = 120  # well above 15 mm on an entrance touch screen
BACK_BUTTON_WIDTH_PX = 420  # the longest word of the four languages fits
REASON_ICON_PX = 104
PRIORITY_ICON_PX = 120
REASON_COLUMNS = 3
BROWSE_ICON_PX = 56
BROWSE_BUTTON_SIZE = QSize(420, 130)
PROMPT = "kioskPrompt"
"""The property naming the recorded prompt (``kiosk.prompts``) of a tile or a screen's
question, said in a spoken language instead of its text."""
PRIORITY_CHOICES: tuple[tuple[str, PriorityKind | None], ...] = (
    ("elderly", PriorityKind.ELDERLY),
    ("pregnant", PriorityKind.PREGNANT),
    ("disability", PriorityKind.DISABILITY),
    ("baby", PriorityKind.BABY),
    ("none", None),
)


def back_button(prompt: str = "back") -> QPushButton:
    """The large "back" button of every step (``prompt``: its recorded prompt)."""
    button = named(QPushButton(), "backButton")
    button.setMinimumHeight(BUTTON_HEIGHT_PX * 3 // 4)
    button.setFixedWidth(BACK_BUTTON_WIDTH_PX)  # the same size in every language
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # the keypad's, never a touch's
    button.setProperty(PROMPT, prompt)
    return button


class ReasonScreen(QWidget):
    """One pictogram button per reason of visit, labelled in the visitor's language, and
    the signpost of "where can I…?" (``browse_button``) beside "back".

    Signals:
        reason_chosen(str): a reason was pressed; carries its key.
    """

    reason_chosen = Signal(str)

    def __init__(self, config: QueueConfig, language: LanguageState) -> None:
        super().__init__()
        self._config = config
        self._language = language
        self.setProperty(PROMPT, "choose_reason")
        self.title_label = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter), "kioskTitle")
        grid = QGridLayout()
        grid.setSpacing(16)
        self.buttons: dict[str, PictogramButton] = {}
        for index, reason in enumerate(config.reasons):
            button = PictogramButton(reason.pictogram, REASON_ICON_PX, "reasonButton")
            button.setProperty(PROMPT, f"reason.{reason.key}")
            button.clicked.connect(partial(self.reason_chosen.emit, reason.key))
            grid.addWidget(button, index // REASON_COLUMNS, index % REASON_COLUMNS)
            self.buttons[reason.key] = button
        self.back_button = back_button()
        self.browse_button = PictogramButton("signpost", BROWSE_ICON_PX, "browseButton")
        self.browse_button.setProperty(PROMPT, "browse")
        self.browse_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.browse_button.setFixedSize(BROWSE_BUTTON_SIZE)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignVCenter)
        bottom.addSpacing(32)
        bottom.addWidget(self.browse_button)
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 16, 32, 16)
        layout.addWidget(self.title_label)
        layout.addSpacing(12)
        layout.addLayout(grid, 1)
        layout.addSpacing(12)
        layout.addLayout(bottom)
        language.language_changed.connect(self.retranslate)
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read the title and the reason labels in the visitor's language."""
        tr = self._language.translator
        self.title_label.setText(tr("kiosk.flow.choose_reason"))
        self.back_button.setText(tr("kiosk.back"))
        self.browse_button.set_label(tr("kiosk.browse.open"))
        for reason in self._config.reasons:
            self.buttons[reason.key].set_label(reason.labels[self._language.code])


class PriorityScreen(QWidget):
    """ "Do you need priority?" with a pictogram per kind of priority and one for "no"; and,
    smaller beside "back", a choice to be received by a woman (pressed before the priority;
    it goes with the ticket, which never shows it, and is cleared for the next visitor).

    The keypad's order (``ui.kiosk_keys``) is the priority choices, then "back", then the
    woman toggle: a key press lands first on a choice. The toggle is named and said with
    its state ("…: no", "…: yes"; its recorded prompts ``woman`` and ``woman_chosen``).

    Signals:
        priority_chosen(object): a choice was pressed; carries a PriorityKind or None.
    """

    priority_chosen = Signal(object)

    def __init__(self, language: LanguageState) -> None:
        super().__init__()
        self._language = language
        self.setProperty(PROMPT, "priority")
        self.title_label = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter), "kioskTitle")
        self.title_label.setWordWrap(True)
        grid = QGridLayout()
        grid.setSpacing(16)
        self.buttons: dict[str, PictogramButton] = {}
        for index, (name, kind) in enumerate(PRIORITY_CHOICES):
            button = PictogramButton(name, PRIORITY_ICON_PX, "priorityButton")
            button.setProperty(PROMPT, f"priority.{name}")
            button.clicked.connect(partial(self.priority_chosen.emit, kind))
            grid.addWidget(button, index // 3, index % 3)
            self.buttons[name] = button
        self.back_button = back_button()
        self.woman_button = PictogramButton("woman", BROWSE_ICON_PX, "womanButton")
        self.woman_button.setCheckable(True)
        self.woman_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.woman_button.setFixedSize(BROWSE_BUTTON_SIZE)
        self.woman_button.toggled.connect(self._name_woman_button)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignVCenter)
        bottom.addSpacing(32)
        bottom.addWidget(self.woman_button)
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 16, 32, 16)
        layout.addWidget(self.title_label)
        layout.addSpacing(12)
        layout.addLayout(grid, 1)
        layout.addSpacing(12)
        layout.addLayout(bottom)
        for before, after in pairwise(
            [*self.buttons.values(), self.back_button, self.woman_button]
        ):
            QWidget.setTabOrder(before, after)
        language.language_changed.connect(self.retranslate)
        self.retranslate()

    @property
    def woman_preferred(self) -> bool:
        """Whether the visitor asked to be received by a woman."""
        return self.woman_button.isChecked()

    def reset(self) -> None:
        """Ready for a new visitor: no wish chosen."""
        self.woman_button.setChecked(False)

    def _name_woman_button(self) -> None:
        """The toggle's name and recorded prompt carry its state (the pictogram's label
        does not: a pressed look shows it)."""
        chosen = self.woman_button.isChecked()
        key = "woman_yes" if chosen else "woman_no"
        self.woman_button.setAccessibleName(self._language.translator(f"kiosk.flow.{key}"))
        self.woman_button.setProperty(PROMPT, "woman_chosen" if chosen else "woman")

    def retranslate(self) -> None:
        """Re-read the question and the labels in the visitor's language."""
        tr = self._language.translator
        self.title_label.setText(tr("kiosk.flow.priority_question"))
        self.back_button.setText(tr("kiosk.back"))
        self.woman_button.set_label(tr("kiosk.flow.woman"))
        self._name_woman_button()
        for name, button in self.buttons.items():
            button.set_label(tr(f"kiosk.priority.{name}"))


class TicketScreen(QWidget):
    """The ticket: the number very large, the reason, people before and the estimated wait.

    While the ticket is being taken it says so; if printing failed it asks the visitor to
    remember the number.
    """

    def __init__(self, config: QueueConfig, language: LanguageState) -> None:
        super().__init__()
        self._config = config
        self._language = language
        self.ticket: TakenTicket | None = None
        self.printed = True
        self.failed = False
        center = Qt.AlignmentFlag.AlignCenter
        self.caption_label = named(QLabel(alignment=center), "ticketCaption")
        self.number_label = named(QLabel(alignment=center), "ticketNumber")
        self.reason_label = named(QLabel(alignment=center, wordWrap=True), "ticketReason")
        self.priority_label = named(QLabel(alignment=center, wordWrap=True), "ticketDetail")
        self.before_label = named(QLabel(alignment=center), "ticketDetail")
        self.wait_label = named(QLabel(alignment=center), "ticketDetail")
        self.message_label = named(QLabel(alignment=center, wordWrap=True), "kioskMessage")
        self.warning_label = named(QLabel(alignment=center, wordWrap=True), "ticketWarning")
        self.finish_button = back_button("finished")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 16, 32, 16)
        layout.addStretch(1)
        for widget in (
            self.caption_label,
            self.number_label,
            self.reason_label,
            self.priority_label,
            self.before_label,
            self.wait_label,
            self.message_label,
            self.warning_label,
        ):
            layout.addWidget(widget)
        layout.addSpacing(24)
        layout.addWidget(self.finish_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        language.language_changed.connect(self.retranslate)
        self.show_taking()

    @property
    def texts(self) -> list[str]:
        """Every text on the screen (tests check that none is personal)."""
        labels = (
            self.caption_label,
            self.number_label,
            self.reason_label,
            self.priority_label,
            self.before_label,
            self.wait_label,
            self.message_label,
            self.warning_label,
        )
        return [label.text() for label in labels if label.text()]

    def show_taking(self) -> None:
        """ "One moment": the ticket is on its way."""
        self.ticket, self.printed, self.failed = None, True, False
        self.retranslate()

    def show_ticket(self, ticket: TakenTicket, printed: bool) -> None:
        """Show the ticket just taken (``printed`` False: the visitor must remember it)."""
        self.ticket, self.printed, self.failed = ticket, printed, False
        self.retranslate()

    def show_failure(self) -> None:
        """No ticket could be taken: send the visitor to the front desk."""
        self.ticket, self.printed, self.failed = None, True, True
        self.retranslate()

    def retranslate(self) -> None:
        """Re-read every text in the visitor's language."""
        tr = self._language.translator
        ticket = self.ticket
        self.finish_button.setText(tr("kiosk.flow.finished"))
        self.finish_button.setVisible(ticket is not None or self.failed)
        self.warning_label.setText("" if self.printed else tr("kiosk.flow.remember_number"))
        self.warning_label.setVisible(not self.printed)
        kind = ticket.ticket.priority_kind if ticket is not None else None
        given = tr(f"kiosk.priority.{kind.value}") if kind is not None else ""
        self.priority_label.setText(tr("kiosk.flow.priority_given", kind=given) if given else "")
        self.priority_label.setVisible(bool(given))
        if ticket is None:
            key = "kiosk.flow.take_failed" if self.failed else "kiosk.flow.taking"
            for label in (self.caption_label, self.number_label, self.reason_label):
                label.setText("")
            self.before_label.setText("")
            self.wait_label.setText("")
            self.message_label.setText(tr(key))
            return
        reason = self._config.reason(ticket.ticket.reason)
        self.caption_label.setText(tr("kiosk.flow.your_number"))
        self.number_label.setText(ticket.ticket.number)
        self.reason_label.setText(reason.labels[self._language.code])
        self.before_label.setText(tr("kiosk.flow.people_before", count=ticket.position))
        minutes = ticket.estimated_wait_min
        self.wait_label.setText(tr("kiosk.flow.estimated_wait", minutes=minutes) if minutes else "")
        self.message_label.setText(tr("kiosk.flow.wait_for_call"))
