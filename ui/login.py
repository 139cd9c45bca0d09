"""The desk's login page, also shown when the desk locks itself (then it unlocks the session)."""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.uow import Actor
from kiosk.accounts import LoginRefused
from kiosk.office import OfficeContext
from ui.accessibility import announce, name_widget
from ui.language import LanguageState
from ui.styles import named, text_scale
from ui.tasks import Tasks

log = logging.getLogger(__name__)

PANEL_WIDTH = 500
"""The login panel's width at the desk's default text size."""


def authenticate(
    context: OfficeContext, name: str, password: str, picked_language: str | None
) -> tuple[Actor, str]:
    """Log in (on the worker thread); a language picked on the login page becomes the
    officer's preference. Returns the actor and the language the desk should use."""
    accounts = context.accounts
    actor, language = accounts.login(name, password)
    if picked_language is not None and picked_language != language:
        accounts.set_language(actor, picked_language)
        language = picked_language
    return actor, language


class LoginPage(QWidget):
    """Office name, user name, password, language chooser and the login button.

    In locked mode (:meth:`show_locked`) it says whose session is kept and pre-fills the name.

    Signals:
        logged_in(object, str): the password was right; carries the
            :class:`~db.uow.Actor` and the language code the desk should switch to.
    """

    logged_in = Signal(object, str)

    def __init__(
        self,
        context: OfficeContext,
        language: LanguageState,
        tasks: Tasks,
        demo_login: tuple[str, str] | None = None,
    ) -> None:
        super().__init__()
        self._context = context
        self._language = language
        self._tasks = tasks
        self._demo_login = demo_login
        self._locked_name: str | None = None
        self._error_key: str | None = None
        self._picked_language: str | None = None
        self._busy = False

        self.office_label = named(QLabel(context.office_name), "officeName")
        self.title_label = named(QLabel(), "loginTitle")
        self.locked_label = named(QLabel(wordWrap=True), "lockedHint")
        self.name_edit = named(QLineEdit(), "userName")
        self.password_edit = named(QLineEdit(echoMode=QLineEdit.EchoMode.Password), "password")
        self.language_box = named(QComboBox(), "loginLanguage")
        for item in language.catalog.languages:
            self.language_box.addItem(item.native_name, item.code)
        self.error_label = named(QLabel(wordWrap=True), "loginError")
        self.submit_button = named(QPushButton(default=True), "loginButton")
        self.demo_label = named(QLabel(wordWrap=True), "demoHint")
        self.demo_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._build_layout()

        self.submit_button.clicked.connect(self.on_submit_clicked)
        self.name_edit.returnPressed.connect(self.password_edit.setFocus)
        self.password_edit.returnPressed.connect(self.on_submit_clicked)
        self.language_box.activated.connect(self.on_language_activated)
        language.language_changed.connect(self.retranslate)
        self.retranslate()

    def _build_layout(self) -> None:
        form = QFormLayout()
        self.field_labels: dict[str, QLabel] = {}
        for key, field in (
            ("login.name", self.name_edit),
            ("login.password", self.password_edit),
            ("login.language", self.language_box),
        ):
            label = QLabel()
            label.setBuddy(field)
            form.addRow(label, field)
            self.field_labels[key] = label
        panel = self.panel = named(QFrame(), "loginPanel")
        self._fit_panel()
        inner = QVBoxLayout(panel)
        inner.addWidget(self.office_label)
        inner.addWidget(self.title_label)
        inner.addWidget(self.locked_label)
        inner.addLayout(form)
        inner.addWidget(self.error_label)
        inner.addWidget(self.submit_button)
        inner.addWidget(self.demo_label)
        # Centred between stretches, not by alignment: an aligned panel would be given the
        # height its words need at the page's whole width, and at the panel's narrower
        # width the fields were squeezed to 17 px on the lock screen.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(panel)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def _fit_panel(self) -> None:
        self.panel.setFixedWidth(round(PANEL_WIDTH * text_scale(self)))

    def changeEvent(self, event: QEvent) -> None:
        """The desk's text size changed: the panel widens with its words."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_panel()

    def retranslate(self) -> None:
        """Re-read every text in the current language."""
        tr = self._language.translator
        self.office_label.setAlignment(self._language.leading_edge | Qt.AlignmentFlag.AlignVCenter)
        self.title_label.setText(tr("login.locked_title" if self._locked_name else "login.title"))
        self.locked_label.setText(tr("login.locked_hint", name=self._locked_name or ""))
        self.locked_label.setVisible(self._locked_name is not None)
        for key, label in self.field_labels.items():
            label.setText(tr(key))
        name_widget(self.language_box, tr("login.language"))  # a combo box is named by its value
        self.language_box.setCurrentIndex(self.language_box.findData(self._language.code))
        self.submit_button.setText(tr("login.working" if self._busy else "login.submit"))
        self.error_label.setText(tr(self._error_key) if self._error_key else "")
        self.error_label.setVisible(self._error_key is not None)
        if self._demo_login is not None:
            name, password = self._demo_login
            self.demo_label.setText(tr("login.demo_hint", name=name, password=password))
        self.demo_label.setVisible(self._demo_login is not None)

    @property
    def error_text(self) -> str:
        """The error shown under the form ("" when none)."""
        return self.error_label.text() if self._error_key else ""

    def show_locked(self, name: str) -> None:
        """Show the page as the lock screen of ``name``'s session."""
        self._locked_name = name
        self._error_key = None
        self.name_edit.setText(name)
        self.password_edit.clear()
        self.retranslate()
        self.password_edit.setFocus()

    def reset(self) -> None:
        """Show the page empty, for a new login."""
        self._locked_name = None
        self._error_key = None
        self.name_edit.clear()
        self.password_edit.clear()
        self.retranslate()
        self.name_edit.setFocus()

    def on_language_activated(self, index: int) -> None:
        """The officer picked a language: switch now, keep it as a preference at login."""
        code = self.language_box.itemData(index)
        self._picked_language = code
        self._language.set_language(code)

    def on_submit_clicked(self) -> None:
        """Check the password on the worker thread (Argon2 takes a while)."""
        if self._busy:
            return
        name, password = self.name_edit.text().strip(), self.password_edit.text()
        if not name or not password:
            self._show_error("login.empty")
            return
        self._set_busy(True)
        work = partial(authenticate, self._context, name, password, self._picked_language)
        self._tasks.run(work, self.on_login_succeeded, self.on_login_failed)

    def on_login_succeeded(self, result: tuple[Actor, str]) -> None:
        """The password was right: clear the form and announce the actor."""
        self._set_busy(False)
        self._error_key = None
        self._locked_name = None
        self._picked_language = None
        self.password_edit.clear()
        self.retranslate()
        actor, language = result
        self.logged_in.emit(actor, language)

    def on_login_failed(self, error: BaseException) -> None:
        """Show why the login was refused, in the current language."""
        self._set_busy(False)
        if isinstance(error, LoginRefused):
            self._show_error(error.message_key)
        else:
            log.error("login failed unexpectedly", exc_info=error)
            self._show_error("login.failed")
        self.password_edit.clear()
        self.password_edit.setFocus()

    def _show_error(self, key: str) -> None:
        self._error_key = key
        self.retranslate()
        announce(self, self.error_label.text(), urgent=True)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.name_edit, self.password_edit, self.language_box, self.submit_button):
            widget.setEnabled(not busy)
        self.retranslate()
