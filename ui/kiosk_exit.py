"""Leaving the kiosk: a hidden long press, then a supervisor PIN on an on-screen pad.

A visitor sees nothing of this. Holding a finger (or the mouse) ``HOLD_MS`` in the top-left
corner of the screen (the physical corner, whatever the language) opens a pad of big digit
keys (a touch kiosk has no keyboard). The check is the core's
:meth:`kiosk.exit_pin.ExitPin.check` on the worker thread: Argon2id, the login lock-out
after wrong PINs, every attempt audited without the PIN. When no PIN was set the kiosk stays
locked and the pad says to run ``baom kiosk set-pin``. In Arabic the screen is mirrored but
the keys keep the usual 7-8-9 / 4-5-6 / 1-2-3 / 0 order. The idle timer still runs: a
supervisor who walks away leaves the kiosk at its start again.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.exit_pin import MAXIMUM_DIGITS, MINIMUM_DIGITS, PinError
from kiosk.office import OfficeContext
from ui.input_events import watch_input
from ui.language import LanguageState
from ui.styles import named
from ui.tasks import Tasks

HOLD_MS = 3_000
CORNER_PX = 90
KEY_PX = 90
"""Side of a digit key: more than 15 mm on a 24" full-HD kiosk screen (about 0.28 mm/px)."""
KEY_ROWS = ("789", "456", "123", " 0 ")
MASK = "\u25cf"


def check_exit_pin(context: OfficeContext, pin: str) -> None:
    """Check the supervisor's PIN (on the worker: reading the lock-out policy is a read too)."""
    context.exit_pin.check(pin)


class CornerHold(QObject):
    """Notices a press held ``hold_ms`` in the top-left corner of ``window``.

    Signals:
        held(): the press lasted long enough.
    """

    held = Signal()

    def __init__(self, window: QWidget, hold_ms: int = HOLD_MS) -> None:
        super().__init__(window)
        self._window = window
        self._timer = QTimer(self, singleShot=True, interval=hold_ms)
        self._timer.timeout.connect(self.held)
        watch_input(self, self.on_input)

    def _in_corner(self, event: QMouseEvent) -> bool:
        where = self._window.mapFromGlobal(event.globalPosition().toPoint())
        return QRect(QPoint(0, 0), QPoint(CORNER_PX, CORNER_PX)).contains(where)

    def on_input(self, watched: QObject, event: QEvent) -> bool:
        """Start counting on a press in the corner; stop on release or leaving it."""
        kind = event.type()
        if (
            kind
            in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease)
            and isinstance(watched, QWidget)
            and watched.window() is self._window
            and isinstance(event, QMouseEvent)
        ):
            if kind == QEvent.Type.MouseButtonPress and self._in_corner(event):
                self._timer.start()
            elif kind == QEvent.Type.MouseButtonRelease or not self._in_corner(event):
                self._timer.stop()
        return False


class ExitScreen(QWidget):
    """An on-screen PIN pad, to close the kiosk.

    Signals:
        confirmed(object): the PIN was right (carries nothing useful: ``None``).
        cancelled(): the supervisor chose not to leave.
    """

    confirmed = Signal(object)
    cancelled = Signal()

    def __init__(self, context: OfficeContext, language: LanguageState, tasks: Tasks) -> None:
        super().__init__()
        self._context = context
        self._language = language
        self._tasks = tasks
        self._digits = ""
        self._checking = False
        self.title_label = named(
            QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True), "kioskTitle"
        )
        self.display = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter), "pinDisplay")
        self.display.setFixedWidth(KEY_PX * 3 + 2 * 10)
        self.display.setMinimumHeight(64)
        self.message_label = named(
            QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True), "kioskMessage"
        )
        self.digit_buttons: dict[str, QPushButton] = {}
        keys = QWidget()
        keys.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # 7-8-9 even in Arabic
        grid = QGridLayout(keys)
        grid.setSpacing(10)
        grid.setContentsMargins(0, 0, 0, 0)
        for row, digits in enumerate(KEY_ROWS):
            for column, digit in enumerate(digits):
                if digit == " ":
                    continue
                button = named(QPushButton(digit), "pinKey")
                button.setFixedSize(KEY_PX, KEY_PX)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.clicked.connect(partial(self.on_digit, digit))
                grid.addWidget(button, row, column)
                self.digit_buttons[digit] = button
        self.erase_button = named(QPushButton(), "backButton")
        self.cancel_button = named(QPushButton(), "backButton")
        self.ok_button = named(QPushButton(), "backButton")
        for button in (self.cancel_button, self.erase_button, self.ok_button):
            button.setMinimumHeight(KEY_PX)
            button.setMinimumWidth(220)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # The actions stand beside the keys, not below, so the pad fits a 1280x800 screen.
        actions = QVBoxLayout()
        actions.setSpacing(10)
        actions.addWidget(self.ok_button)
        actions.addWidget(self.erase_button)
        actions.addWidget(self.cancel_button)
        actions.addStretch(1)
        pad = QHBoxLayout()
        pad.setSpacing(24)
        pad.addStretch(1)
        pad.addWidget(keys)
        pad.addLayout(actions)
        pad.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 16, 48, 16)
        layout.setSpacing(10)
        layout.addStretch(1)
        layout.addWidget(self.title_label)
        layout.addWidget(self.display, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.message_label)
        layout.addLayout(pad)
        layout.addStretch(1)
        self.erase_button.clicked.connect(self.on_erase)
        self.ok_button.clicked.connect(self.on_ok_clicked)
        self.cancel_button.clicked.connect(self.cancelled)
        language.language_changed.connect(self.retranslate)
        self.retranslate()
        self.reset()

    @property
    def entered(self) -> int:
        """How many digits were typed (the digits themselves stay private)."""
        return len(self._digits)

    def reset(self) -> None:
        """No digit, no message."""
        self._digits = ""
        self._checking = False
        self.message_label.clear()
        self._refresh()

    def _refresh(self) -> None:
        self.display.setText(MASK * len(self._digits))
        for button in self.digit_buttons.values():
            button.setEnabled(not self._checking and len(self._digits) < MAXIMUM_DIGITS)
        self.erase_button.setEnabled(not self._checking and bool(self._digits))
        self.ok_button.setEnabled(not self._checking and len(self._digits) >= MINIMUM_DIGITS)

    def retranslate(self) -> None:
        """Re-read the texts in the kiosk's current language."""
        tr = self._language.translator
        self.title_label.setText(tr("kiosk.pin.title"))
        self.erase_button.setText(tr("kiosk.pin.erase"))
        self.ok_button.setText(tr("kiosk.pin.ok"))
        self.cancel_button.setText(tr("kiosk.exit.cancel"))

    def on_digit(self, digit: str) -> None:
        """One more digit, up to eight."""
        if self._checking or len(self._digits) >= MAXIMUM_DIGITS:
            return
        self._digits += digit
        self.message_label.clear()
        self._refresh()

    def on_erase(self) -> None:
        """Take back the last digit."""
        self._digits = self._digits[:-1]
        self._refresh()

    def on_ok_clicked(self) -> None:
        """Check the PIN on the worker thread."""
        if self._checking or len(self._digits) < MINIMUM_DIGITS:
            return
        self._checking = True
        self.message_label.setText(self._language.translator("login.working"))
        self._refresh()
        pin, self._digits = self._digits, ""
        self._tasks.run(
            partial(check_exit_pin, self._context, pin), self.on_checked, self.on_refused
        )

    def on_checked(self, _result: object) -> None:
        """The right PIN: the kiosk may close."""
        self.reset()
        self.confirmed.emit(None)

    def on_refused(self, error: BaseException) -> None:
        """Wrong PIN, locked, or no PIN set: say so, start again."""
        key = error.message_key if isinstance(error, PinError) else "login.failed"
        self._checking = False
        self._digits = ""
        self.message_label.setText(self._language.translator(key))
        self._refresh()
