"""The visitors' kiosk: full screen, touch only, never any personal data.

The first screen lets a visitor choose a language among large buttons, each named in its own
script; the kiosk then speaks that language (and mirrors for Arabic): the reason of visit as
pictograms (or "where can I…?", :mod:`ui.kiosk_browse`), "do you need priority?", then the
ticket, taken on the worker thread (and printed, when the application hands in a printing
function). It goes back to the first screen by the back buttons or after
``kiosk.idle_seconds`` without a touch (three times that when the ticket could not be
printed and its number must be remembered).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cached_property, partial
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from db.changes import Changes
from db.models import PriorityKind
from kiosk.i18n import REFERENCE_LANGUAGE, Catalog
from kiosk.office import OfficeContext
from kiosk.queue.service import QueueService, TicketRequest
from kiosk.queue.views import TakenTicket
from ui.idle import IdleWatcher
from ui.kiosk_exit import HOLD_MS, CornerHold, ExitScreen
from ui.kiosk_screens import BUTTON_HEIGHT_PX, PriorityScreen, ReasonScreen, TicketScreen
from ui.language import LanguageState, direction_of
from ui.styles import named, style_sheet
from ui.tasks import Tasks, log_failure

if TYPE_CHECKING:
    from ui.kiosk_browse import BrowseScreen

log = logging.getLogger(__name__)

PrintTicket = Callable[[TakenTicket, str], object]
"""Prints a ticket just taken in the visitor's language; raises when it cannot (the layer
above the core hands it in, so that the kiosk needs no printing code of its own)."""

S = TypeVar("S", bound=QWidget)

UNPRINTED_IDLE_FACTOR = 3
TAKING = "kiosk ticket"
"""The kind of the ticket being taken: only the newest visitor's is shown."""


def idle_delay_ms(context: OfficeContext) -> int:
    """How long the kiosk waits for a touch before going back to the start (the settings)."""
    return int(context.settings.get("kiosk.idle_seconds")) * 1000


class LanguageScreen(QWidget):
    """The welcome and the invitation in every language and one large button per language.

    Signals:
        language_chosen(str): a visitor pressed a language; carries its code.
    """

    language_chosen = Signal(str)

    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        header = QGridLayout()
        self.header_labels: list[QLabel] = []
        for column, language in enumerate(catalog.languages):
            direction = direction_of(language.right_to_left)
            for row, (key, name) in enumerate(
                (("kiosk.welcome", "kioskWelcome"), ("kiosk.choose_language", "kioskChoose"))
            ):
                label = named(QLabel(catalog.text(language.code, key)), name)
                label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                label.setWordWrap(True)
                label.setLayoutDirection(direction)
                header.addWidget(label, row, column)
                self.header_labels.append(label)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(header)
        layout.addSpacing(24)
        self.buttons: dict[str, QPushButton] = {}
        for language in catalog.languages:
            button = named(QPushButton(language.native_name), "languageButton")
            button.setMinimumHeight(BUTTON_HEIGHT_PX)
            button.setMinimumWidth(560)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setLayoutDirection(direction_of(language.right_to_left))
            button.clicked.connect(partial(self.language_chosen.emit, language.code))
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
            self.buttons[language.code] = button
        layout.addStretch(1)


class KioskWindow(QWidget):
    """The full-screen kiosk at the entrance. A visitor cannot close it.

    ``allow_close`` is set by the application when it quits, or by the supervisor PIN
    after a long press in the top-left corner (``exit_hold_ms``, :mod:`ui.kiosk_exit`);
    ``idle_after_ms`` overrides the ``kiosk.idle_seconds`` setting (tests use a short
    delay). ``print_ticket`` prints each ticket taken (none: the ticket is only shown), on
    ``printer_tasks``, a worker of its own (a printer that is off must not hold up the
    database work); one is made if none is given.

    Signals:
        ticket_shown(object): a ticket was taken and is on screen; carries the TakenTicket.
        print_finished(bool): the ticket on screen was printed (True) or not (False).
        exit_confirmed(): the supervisor PIN closed the kiosk.
    """

    ticket_shown = Signal(object)
    print_finished = Signal(bool)
    exit_confirmed = Signal()

    def __init__(
        self,
        context: OfficeContext,
        tasks: Tasks,
        idle_after_ms: int | None = None,
        print_ticket: PrintTicket | None = None,
        exit_hold_ms: int = HOLD_MS,
    ) -> None:
        super().__init__()
        self._context = context
        self._tasks = tasks
        self._print_ticket = print_ticket
        self._fixed_idle_ms = idle_after_ms
        self._idle_ms = idle_after_ms or idle_delay_ms(context)  # read once, at start-up
        self._reason: str | None = None
        self.allow_close = False
        self.setObjectName("kiosk")
        self.setStyleSheet(style_sheet("kiosk"))
        self.queue = QueueService.for_office(context)
        self.language = LanguageState(context.catalog, REFERENCE_LANGUAGE, self)
        self.language_screen = LanguageScreen(context.catalog)
        self.reason_screen = ReasonScreen(self.queue.config, self.language)
        self._resets: list[Callable[[], object]] = []
        self.stack = QStackedWidget()
        self.stack.addWidget(self.language_screen)
        self.stack.addWidget(self.reason_screen)  # the largest screen: the window's size
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.idle = IdleWatcher(self, self._idle_ms)
        self.corner = CornerHold(self, exit_hold_ms)

        self.language_screen.language_chosen.connect(self.on_language_chosen)
        self.reason_screen.reason_chosen.connect(self.on_reason_chosen)
        self.reason_screen.back_button.clicked.connect(self.on_back_requested)
        self.reason_screen.browse_button.clicked.connect(self.on_browse_requested)
        self.corner.held.connect(self.on_exit_requested)
        self.idle.went_idle.connect(self.on_back_requested)
        self.language.language_changed.connect(self.retranslate)
        tasks.executed.connect(self.on_executed)
        self.retranslate()

    def _made(self, screen: S, reset: Callable[[], object] | None = None) -> S:
        """A screen made when first shown (the first paint need not wait for it): put on the
        stack, and ``reset`` whenever the kiosk goes back to the languages."""
        self.stack.addWidget(screen)
        if reset is not None:
            self._resets.append(reset)
        return screen

    @cached_property
    def priority_screen(self) -> PriorityScreen:
        """ "Do you need priority?", made when first asked."""
        screen = self._made(PriorityScreen(self.language))
        screen.priority_chosen.connect(self.on_priority_chosen)
        screen.back_button.clicked.connect(self.on_priority_back)
        return screen

    @cached_property
    def ticket_screen(self) -> TicketScreen:
        """The ticket taken, made at the first ticket."""
        screen = TicketScreen(self.queue.config, self.language)
        screen.finish_button.clicked.connect(self.on_back_requested)
        return self._made(screen, screen.show_taking)

    @cached_property
    def exit_screen(self) -> ExitScreen:
        """The supervisor's PIN pad, made when the corner is first held."""
        screen = ExitScreen(self._context, self.language, self._tasks)
        screen.cancelled.connect(self.on_back_requested)
        screen.confirmed.connect(self.on_exit_confirmed)
        return self._made(screen, screen.reset)

    @cached_property
    def browse_screen(self) -> BrowseScreen:
        """The "where can I…?" screen, made when first asked for: it brings the directory's
        models, which the kiosk's first paint need not wait for."""
        from ui.kiosk_browse import BrowseScreen

        screen = BrowseScreen(self._context, self.queue.config, self.language, self._tasks)
        screen.closed.connect(self.on_browse_closed)
        return self._made(screen, screen.reset)

    def retranslate(self) -> None:
        """Title and direction follow the visitor's language."""
        tr = self.language.translator
        self.language.apply_direction(self)
        self.setWindowTitle(f"{tr('app.name')} — {tr('window.kiosk')}")

    def on_language_chosen(self, code: str) -> None:
        """Speak the visitor's language and ask for the reason of the visit."""
        self.language.set_language(code)
        self.stack.setCurrentWidget(self.reason_screen)
        self.idle.start()

    def on_exit_requested(self) -> None:
        """The hidden corner was held: ask for the supervisor PIN (ui.kiosk_exit)."""
        self.exit_screen.reset()
        self.stack.setCurrentWidget(self.exit_screen)
        self.idle.start()

    def on_exit_confirmed(self, _actor: object) -> None:
        """The supervisor PIN was right: the kiosk closes."""
        self.allow_close = True
        self.exit_confirmed.emit()
        self.close()

    def on_browse_requested(self) -> None:
        """ "Where can I…?": the services by pictogram, in the visitor's language."""
        self.browse_screen.reset()
        self.stack.setCurrentWidget(self.browse_screen)

    def on_browse_closed(self) -> None:
        """Back from browsing to the reasons."""
        self.browse_screen.reset()
        self.stack.setCurrentWidget(self.reason_screen)

    def on_reason_chosen(self, key: str) -> None:
        """Remember the reason and ask about priority."""
        self._reason = key
        self.priority_screen.reset()
        self.stack.setCurrentWidget(self.priority_screen)

    def on_priority_back(self) -> None:
        """Back to the reasons."""
        self.stack.setCurrentWidget(self.reason_screen)

    def on_priority_chosen(self, kind: PriorityKind | None) -> None:
        """Take the ticket on the worker thread; the screen says "one moment" meanwhile and
        the idle count waits too (a busy database is not the visitor walking away)."""
        if self._reason is None:
            return
        self.idle.stop()
        request = TicketRequest(
            reason=self._reason,
            priority_kind=kind,
            language=self.language.code,
            woman_preferred=self.priority_screen.woman_preferred,
        )
        self.ticket_screen.show_taking()
        self.stack.setCurrentWidget(self.ticket_screen)
        self._tasks.run(
            partial(self.queue.take, self._context.system, request),
            self.on_ticket_taken,
            self.on_take_failed,
            latest=TAKING,
        )

    def on_ticket_taken(self, taken: TakenTicket) -> None:
        """Show the ticket, then print it on the outside worker."""
        self.ticket_screen.show_ticket(taken, printed=True)
        self.idle.timeout_ms = self._idle_ms
        self.idle.start()
        self.ticket_shown.emit(taken)
        if self._print_ticket is not None:
            self._tasks.run_outside(
                partial(self._print_ticket, taken, self.language.code),
                partial(self.on_printed, taken),
                partial(self.on_print_failed, taken),
            )

    def on_printed(self, taken: TakenTicket, _result: object) -> None:
        """The ticket is on paper."""
        self.on_print_finished(taken, True)

    def on_print_failed(self, taken: TakenTicket, error: BaseException) -> None:
        """The ticket exists but is not on paper: keep the number up longer."""
        log.warning("ticket %s was taken but not printed: %s", taken.ticket.number, error)
        self.on_print_finished(taken, False)

    def on_print_finished(self, taken: TakenTicket, printed: bool) -> None:
        """Say so on the ticket screen if it still shows that ticket (the visitor is there)."""
        if not printed and self.ticket_screen.ticket is taken:
            self.ticket_screen.show_ticket(taken, printed=False)
            self.idle.timeout_ms = self._idle_ms * UNPRINTED_IDLE_FACTOR
            self.idle.start()
        self.print_finished.emit(printed)

    def on_take_failed(self, error: BaseException) -> None:
        """No ticket: say so and send the visitor to the front desk."""
        log.error("the kiosk could not take a ticket", exc_info=error)
        self.ticket_screen.show_failure()
        self.idle.timeout_ms = self._idle_ms
        self.idle.start()

    def on_back_requested(self) -> None:
        """Back to the language choice, ready for the next visitor."""
        self._tasks.forget(TAKING)  # a ticket still on its way is not shown to the next one
        self._reason = None
        self.idle.stop()
        self.idle.timeout_ms = self._idle_ms
        self.language.set_language(REFERENCE_LANGUAGE)
        for reset in self._resets:
            reset()
        self.stack.setCurrentWidget(self.language_screen)

    def on_executed(self, changes: Changes, _initiator: object) -> None:
        """Follow a change of the idle delay (read on the worker)."""
        if self._fixed_idle_ms is None and changes.touches({"setting"}):
            work = partial(idle_delay_ms, self._context)
            self._tasks.run(work, self.on_idle_delay_read, log_failure, latest="kiosk idle delay")

    def on_idle_delay_read(self, delay_ms: int) -> None:
        """Use the delay just read (not while an unprinted ticket number stays up longer)."""
        self._idle_ms = delay_ms
        current = self.stack.currentWidget()
        if not isinstance(current, TicketScreen) or current.printed:
            self.idle.timeout_ms = delay_ms

    def closeEvent(self, event: QCloseEvent) -> None:
        """Refuse to close unless the application itself allows it."""
        if self.allow_close:
            event.accept()
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Swallow the keys that would leave the kiosk (Escape, Alt+F4)."""
        alt_f4 = (
            event.key() == Qt.Key.Key_F4 and event.modifiers() & Qt.KeyboardModifier.AltModifier
        )
        if event.key() == Qt.Key.Key_Escape or alt_f4:
            event.accept()
            return
        super().keyPressEvent(event)
