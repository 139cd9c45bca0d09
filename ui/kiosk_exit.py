"""Leaving the kiosk: a hidden long press, then a supervisor's account name and password.

A visitor sees nothing of this. Holding a finger (or the mouse) ``HOLD_MS`` in the top-left
corner of the screen (the physical corner, whatever the language) opens a screen that asks
for the name and password of a supervisor or administrator account. The check is the
core's login (:meth:`kiosk.accounts.Accounts.login`: Argon2id, the same lock-out after
wrong passwords, every attempt audited), then the role's permission to change the office
settings, which only supervisors and administrators have. An officer's password does not
open the kiosk. The idle timer still runs: a supervisor who walks away leaves the kiosk
at its start again.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.uow import Actor
from kiosk.accounts import AccountError, Permission, has_permission
from kiosk.office import OfficeContext
from ui.language import LanguageState
from ui.styles import named
from ui.tasks import Tasks

HOLD_MS = 3_000
CORNER_PX = 90


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
        app = QApplication.instance()
        assert app is not None, "a CornerHold needs the QApplication"
        app.installEventFilter(self)

    def _in_corner(self, event: QMouseEvent) -> bool:
        where = self._window.mapFromGlobal(event.globalPosition().toPoint())
        return QRect(QPoint(0, 0), QPoint(CORNER_PX, CORNER_PX)).contains(where)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
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


def check_supervisor(context: OfficeContext, name: str, password: str) -> Actor:
    """The supervisor or administrator with this name and password (worker thread); raises
    :class:`AccountError` (``login.refused``, ``login.locked``, ``kiosk.exit.not_allowed``)."""
    actor, _ = context.accounts.login(name, password)
    if not has_permission(actor, Permission.CHANGE_OFFICE_SETTINGS):
        raise AccountError("kiosk.exit.not_allowed", f"{actor.role} may not leave the kiosk")
    return actor


class ExitScreen(QWidget):
    """Account name and password of a supervisor, to close the kiosk.

    Signals:
        confirmed(object): a supervisor's password was right; carries the Actor.
        cancelled(): the supervisor chose not to leave.
    """

    confirmed = Signal(object)
    cancelled = Signal()

    def __init__(self, context: OfficeContext, language: LanguageState, tasks: Tasks) -> None:
        super().__init__()
        self._context = context
        self._language = language
        self._tasks = tasks
        self.title_label = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter), "kioskTitle")
        self.name_label, self.password_label = QLabel(), QLabel()
        self.name_edit = named(QLineEdit(), "exitName")
        self.password_edit = named(QLineEdit(), "exitPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message_label = named(
            QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True), "kioskMessage"
        )
        self.leave_button = named(QPushButton(), "backButton")
        self.cancel_button = named(QPushButton(), "backButton")
        for button in (self.leave_button, self.cancel_button):
            button.setMinimumHeight(72)
            button.setMinimumWidth(260)
        form = QFormLayout()
        form.addRow(self.name_label, self.name_edit)
        form.addRow(self.password_label, self.password_edit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.leave_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(160, 32, 160, 32)
        layout.addStretch(1)
        layout.addWidget(self.title_label)
        layout.addLayout(form)
        layout.addWidget(self.message_label)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.leave_button.clicked.connect(self.on_leave_clicked)
        self.password_edit.returnPressed.connect(self.on_leave_clicked)
        self.cancel_button.clicked.connect(self.cancelled)
        language.language_changed.connect(self.retranslate)
        self.retranslate()

    def reset(self) -> None:
        """Empty fields, no message."""
        self.name_edit.clear()
        self.password_edit.clear()
        self.message_label.clear()
        self.leave_button.setEnabled(True)

    def retranslate(self) -> None:
        """Re-read the texts in the kiosk's current language."""
        tr = self._language.translator
        self.title_label.setText(tr("kiosk.exit.title"))
        self.name_label.setText(tr("login.name"))
        self.password_label.setText(tr("login.password"))
        self.leave_button.setText(tr("kiosk.exit.leave"))
        self.cancel_button.setText(tr("kiosk.exit.cancel"))

    def on_leave_clicked(self) -> None:
        """Check the account on the worker thread."""
        if not self.leave_button.isEnabled():
            return
        self.leave_button.setEnabled(False)
        self.message_label.setText(self._language.translator("login.working"))
        work = partial(
            check_supervisor, self._context, self.name_edit.text(), self.password_edit.text()
        )
        self._tasks.run(work, self.on_checked, self.on_refused)

    def on_checked(self, actor: Actor) -> None:
        """A supervisor: the kiosk may close."""
        self.reset()
        self.confirmed.emit(actor)

    def on_refused(self, error: BaseException) -> None:
        """Wrong account, password or role: say so, keep the name."""
        key = error.message_key if isinstance(error, AccountError) else "login.failed"
        self.password_edit.clear()
        self.message_label.setText(self._language.translator(key))
        self.leave_button.setEnabled(True)
