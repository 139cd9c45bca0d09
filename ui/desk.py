"""The officer's desk window: login, the main page, the status bar, and auto-lock."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QToolButton,
)

from db.changes import Changes
from db.uow import Actor
from kiosk.office import OfficeContext
from ui.idle import IdleWatcher
from ui.language import LanguageState
from ui.login import LoginPage
from ui.qt_words import QtWords
from ui.styles import named, scaled_style_sheet
from ui.sync import SyncRunner, status_text
from ui.tasks import Tasks, ignore_result, log_failure

if TYPE_CHECKING:
    from ui.desk_pages import MainPage


def save_language(context: OfficeContext, actor: Actor, code: str) -> None:
    """Store the officer's preferred desk language (on the worker thread)."""
    context.accounts.set_language(actor, code)


def lock_delay_ms(context: OfficeContext) -> int:
    """How long the desk waits without input before locking, from the office's settings."""
    return int(context.settings.minutes("desk.auto_lock_minutes").total_seconds() * 1000)


class ElidedLabel(QLabel):
    """A one-line label painted shortened with "…" when short of room, so that a long text
    never widens the window past the offices' 1280 px screens; ``text()`` stays whole."""

    MINIMUM_WIDTH = 160

    def __init__(self) -> None:
        super().__init__()
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:
        """Narrow: the text gives way to the window, not the reverse."""
        return QSize(self.MINIMUM_WIDTH, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        """Paint the text, shortened to the width there is."""
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        alignment = QStyle.visualAlignment(self.layoutDirection(), self.alignment())
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            rect,
            int(alignment),
            self.palette(),
            self.isEnabled(),
            text,
            self.foregroundRole(),
        )


class DeskWindow(QMainWindow):
    """Login page, then the officer's main page; locks itself after a while without input.

    Locking keeps the main page as it is; the same officer unlocking gets it back untouched,
    another officer logging in gets a fresh one. ``lock_after_ms`` overrides the
    ``desk.auto_lock_minutes`` setting (tests use a short delay).
    """

    def __init__(
        self,
        context: OfficeContext,
        tasks: Tasks,
        demo_login: tuple[str, str] | None = None,
        lock_after_ms: int | None = None,
        sync: SyncRunner | None = None,
    ) -> None:
        super().__init__()
        self._context = context
        self._sync = sync
        self._sync_status: dict[str, object] = dict(sync.last_status) if sync else {}
        self._tasks = tasks
        self._fixed_lock_ms = lock_after_ms
        self.language = LanguageState(context.catalog, str(context.settings.get("desk.language")))
        self.qt_words = QtWords()  # Qt's own dialogs speak the desk's language
        self.qt_words.use(self.language.code)
        self.language.language_changed.connect(self.qt_words.use)
        self.actor: Actor | None = None
        self.main_page: MainPage | None = None
        self.setObjectName("desk")
        self.text_size = 100
        self.set_text_size(int(context.settings.get("desk.text_size")))
        self.resize(1100, 720)

        self.login_page = LoginPage(context, self.language, tasks, demo_login)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.login_page)
        self.setCentralWidget(self.stack)
        self.idle = IdleWatcher(self, self._fixed_lock_ms or lock_delay_ms(context))
        self._build_actions()
        self._build_status_bar()

        self.login_page.logged_in.connect(self.on_logged_in)
        self.idle.went_idle.connect(self.on_lock_requested)
        self.language.language_changed.connect(self.retranslate)
        tasks.executed.connect(self.on_executed)
        if sync is not None:
            sync.status_changed.connect(self.on_sync_status)
            sync.busy_changed.connect(self.on_sync_busy)
        self._show_session_controls(False)
        self.retranslate()

    def _build_actions(self) -> None:
        self.lock_action = QAction(self, shortcut=QKeySequence("Ctrl+L"))
        self.logout_action = QAction(self)
        self.sync_action = QAction(self)
        self.sync_action.setEnabled(self._sync is not None)
        self.sync_action.triggered.connect(self.on_sync_now_requested)
        self.lock_action.triggered.connect(self.on_lock_requested)
        self.logout_action.triggered.connect(self.on_logout_requested)
        self.session_menu = self.menuBar().addMenu("")
        self.session_menu.addAction(self.lock_action)
        self.session_menu.addAction(self.logout_action)
        self.session_menu.addAction(self.sync_action)
        self.language_menu = self.menuBar().addMenu("")
        self.language_actions = QActionGroup(self)
        for item in self._context.catalog.languages:
            action = QAction(item.native_name, self, checkable=True)
            action.setData(item.code)
            action.triggered.connect(partial(self.on_language_chosen, item.code))
            self.language_actions.addAction(action)
            self.language_menu.addAction(action)

    def _build_status_bar(self) -> None:
        self.sync_label = named(ElidedLabel(), "syncStatus")
        self.user_label = named(QLabel(), "currentUser")
        self.office_label = named(QLabel(self._context.office_name), "officeName")
        bar = self.statusBar()
        bar.addWidget(self.sync_label, 1)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.office_label)
        for action in (self.lock_action, self.logout_action):
            button = QToolButton()
            button.setDefaultAction(action)
            bar.addPermanentWidget(button)

    def retranslate(self) -> None:
        """Re-read every text of the window (and mirror it for Arabic)."""
        tr = self.language.translator
        self.language.apply_direction(self)
        self.setWindowTitle(f"{tr('app.name')} — {tr('window.desk')}")
        self.session_menu.setTitle(tr("desk.menu_session"))
        self.language_menu.setTitle(tr("desk.menu_language"))
        self.lock_action.setText(tr("desk.lock"))
        self.logout_action.setText(tr("desk.logout"))
        for action in self.language_actions.actions():
            action.setChecked(action.data() == self.language.code)
        self.sync_action.setText(tr("desk.sync_now"))
        self._show_sync_status()
        if self.actor is not None:
            role = tr(f"role.{self.actor.role}")
            self.user_label.setText(tr("desk.signed_in", name=self.actor.name, role=role))

    def set_text_size(self, percent: int) -> None:
        """Draw every text of the desk (its dialogs too) at ``percent`` % of its size."""
        self.text_size = percent
        self.setStyleSheet(scaled_style_sheet("desk", percent))

    @property
    def locked(self) -> bool:
        """Whether an officer's session is kept behind the lock screen."""
        return self.main_page is not None and self.stack.currentWidget() is self.login_page

    def on_logged_in(self, actor: Actor, language: str) -> None:
        """Resume the same officer's page, or start a fresh one for another officer."""
        same_officer = self.actor is not None and self.actor.user_id == actor.user_id
        if not same_officer or self.main_page is None:
            self._discard_main_page()
            from ui.desk_pages import MainPage  # at the first login, not at start-up

            self.main_page = MainPage(
                self._context,
                self.language,
                actor,
                self._tasks,
                sync_soon=self._sync.request_sync_soon if self._sync is not None else None,
            )
            self.stack.addWidget(self.main_page)
            settings = self.main_page.section_pages["settings"]
            settings.text_size_chosen.connect(self.set_text_size)  # type: ignore[attr-defined]
        self.actor = actor
        self.language.set_language(language)
        self.stack.setCurrentWidget(self.main_page)
        self._show_session_controls(True)
        self.retranslate()
        self.idle.start()

    def on_lock_requested(self) -> None:
        """Hide the officer's work behind the login page, keeping it as it is."""
        if self.actor is None or self.locked:
            return
        self.idle.stop()
        self.login_page.show_locked(self.actor.name)
        self.stack.setCurrentWidget(self.login_page)
        self._show_session_controls(False)

    def on_logout_requested(self) -> None:
        """End the session: the main page is discarded."""
        self.idle.stop()
        self._discard_main_page()
        self.actor = None
        self.login_page.reset()
        self.stack.setCurrentWidget(self.login_page)
        self._show_session_controls(False)

    def on_language_chosen(self, code: str) -> None:
        """Switch the desk's language now and remember it as the officer's preference."""
        self.language.set_language(code)
        if self.actor is not None:
            work = partial(save_language, self._context, self.actor, code)
            self._tasks.run(work, ignore_result, self.on_language_not_saved)

    def on_language_not_saved(self, error: BaseException) -> None:
        """Say that the language chosen holds for now but was not remembered."""
        self.statusBar().showMessage(
            self.language.translator("desk.language_not_saved", detail=error), 10_000
        )

    def on_sync_status(self, status: dict[str, object]) -> None:
        """A sync round (or a look at the outbox) ended: show where sync stands."""
        self._sync_status = status
        self._show_sync_status()

    def on_sync_busy(self, busy: bool) -> None:
        """No "Sync now" while a round runs."""
        self.sync_action.setEnabled(not busy)

    def on_sync_now_requested(self) -> None:
        """The officer asked for a sync round now."""
        if self._sync is not None:
            self._sync.sync_now()

    def _show_sync_status(self) -> None:
        tr = self.language.translator
        if self._sync_status:
            self.sync_label.setText(status_text(self._sync_status, tr))
        else:
            self.sync_label.setText(tr("desk.sync_never"))
        self.sync_label.setToolTip(self.sync_label.text())

    def on_executed(self, changes: Changes, _initiator: object) -> None:
        """Follow a change of the auto-lock delay (read on the worker)."""
        if self._fixed_lock_ms is None and changes.touches({"setting"}):
            work = partial(lock_delay_ms, self._context)
            self._tasks.run(work, self.on_lock_delay_read, log_failure, latest="lock delay")

    def on_lock_delay_read(self, delay_ms: int) -> None:
        """Lock after the delay just read from the settings."""
        self.idle.timeout_ms = delay_ms

    def _discard_main_page(self) -> None:
        if self.main_page is not None:
            wizard = self.main_page.cases_page.wizard
            if wizard is not None:
                wizard.save_draft_now()  # the last second of typing, before the page goes
            self.stack.removeWidget(self.main_page)
            self.main_page.deleteLater()
            self.main_page = None

    def _show_session_controls(self, visible: bool) -> None:
        self.menuBar().setVisible(visible)
        self.statusBar().setVisible(visible)
