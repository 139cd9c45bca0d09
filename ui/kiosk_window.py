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

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from db.changes import Changes
from db.models import PriorityKind
from kiosk.i18n import REFERENCE_LANGUAGE, Catalog
from kiosk.office import OfficeContext
from kiosk.prompts import Sound, prompt_status, recordings, ticket_words
from kiosk.queue.service import QueueService, TicketRequest
from kiosk.queue.views import TakenTicket
from kiosk.settings import SPOKEN_LANGUAGES
from ui.announcer import probe_speech
from ui.idle import IdleWatcher
from ui.kiosk_exit import HOLD_MS, CornerHold, ExitScreen
from ui.kiosk_keys import KeypadNavigator
from ui.kiosk_screens import (
    BUTTON_HEIGHT_PX,
    PROMPT,
    PriorityScreen,
    ReasonScreen,
    TicketScreen,
)
from ui.kiosk_voice import KioskSpeaker, Part, Played, Said, load_kiosk_voice, make_speaker
from ui.language import LanguageState, direction_of
from ui.pictograms import PictogramButton
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
VOICE_PRELOAD_MS = 1500
SPOKEN_ICON_PX = 56
LANGUAGE = "kioskLanguage"
"""The property naming the language a language tile chooses (its name is said in it)."""


def complete_recordings(context: OfficeContext) -> dict[str, dict[str, Sound]]:
    """The recordings of each spoken language whose every prompt is recorded (a language
    with prompts missing is not offered: it would leave a visitor halfway)."""
    status = prompt_status(context, QueueService.for_office(context).config)
    return {
        language: recordings(context, language)
        for language, found in status.items()
        if not found["missing"]
    }


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
        self._catalog = catalog
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
            button.setLayoutDirection(direction_of(language.right_to_left))
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setProperty(LANGUAGE, language.code)
            button.clicked.connect(partial(self.language_chosen.emit, language.code))
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
            self.buttons[language.code] = button
        spoken = QHBoxLayout()
        spoken.addStretch(1)
        self.spoken_buttons: dict[str, PictogramButton] = {}
        for code in SPOKEN_LANGUAGES:
            tile = PictogramButton("speaker", SPOKEN_ICON_PX, "spokenButton")
            tile.setMinimumWidth(272)
            tile.set_label(catalog.text("fr", f"kiosk.spoken.{code}"))
            tile.setProperty(LANGUAGE, code)
            tile.clicked.connect(partial(self.language_chosen.emit, code))
            tile.hide()  # until every prompt of the language is recorded
            spoken.addWidget(tile)
            self.spoken_buttons[code] = tile
        spoken.addStretch(1)
        layout.addLayout(spoken)
        layout.addStretch(1)

    def offer_spoken(self, languages: set[str]) -> None:
        """Show the tiles of the spoken languages whose prompts are all recorded."""
        for code, tile in self.spoken_buttons.items():
            tile.setVisible(code in languages)


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
        speaker: KioskSpeaker | None = None,
    ) -> None:
        super().__init__()
        self._context = context
        self._tasks = tasks
        self._print_ticket = print_ticket
        self._fixed_idle_ms = idle_after_ms
        self._idle_ms = idle_after_ms or idle_delay_ms(context)  # read once, at start-up
        self._reason: str | None = None
        self.spoken: str | None = None
        """The visitor's spoken language (``ary``, ``shi``) when they chose one."""
        self._chosen: list[Part] = []
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
        self.speaker = speaker or make_speaker(self)
        self.keys = KeypadNavigator(self, self.tiles)  # before the idle watcher: a key counts
        self.idle = IdleWatcher(self, self._idle_ms)
        self.corner = CornerHold(self, exit_hold_ms)

        self.language_screen.language_chosen.connect(self.on_language_chosen)
        self.reason_screen.reason_chosen.connect(self.on_reason_chosen)
        self.reason_screen.back_button.clicked.connect(self.on_back_requested)
        self.reason_screen.browse_button.clicked.connect(self.on_browse_requested)
        self.corner.held.connect(self.on_exit_requested)
        self.idle.went_idle.connect(self.on_back_requested)
        self.language.language_changed.connect(self.retranslate)
        self.keys.focused.connect(self.on_tile_focused)
        self.keys.chosen.connect(self.on_tile_chosen)
        self.keys.help_requested.connect(self.on_help)
        self.stack.currentChanged.connect(self.on_screen_changed)
        tasks.executed.connect(self.on_executed)
        self.retranslate()
        self.read_prompts()
        if speaker is None:
            QTimer.singleShot(VOICE_PRELOAD_MS, self.prepare_voice)

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

    # --- the voice and the keypad ------------------------------------------------------

    def prepare_voice(self) -> None:
        """Try the speech engine on the outside worker, then load the voice."""
        self._tasks.run_outside(probe_speech, self.on_speech_probed, self.on_speech_probed)

    def on_speech_probed(self, _outcome: object) -> None:
        """The engine was tried: load the voice of the written languages now."""
        codes = [language.code for language in self._context.catalog.languages]
        load_kiosk_voice(self.speaker, codes)

    def read_prompts(self) -> None:
        """Read the office's recordings (on the worker): those of complete languages."""
        work = partial(complete_recordings, self._context)
        self._tasks.run(work, self.on_prompts_read, log_failure, latest="kiosk prompts")

    def on_prompts_read(self, found: dict[str, dict[str, Sound]]) -> None:
        """Keep the recordings decoded, and offer their languages."""
        for language, sounds in found.items():
            self.speaker.player.load(language, sounds)
        self.language_screen.offer_spoken(set(found))

    def tiles(self) -> list[QAbstractButton]:
        """The tiles of the current screen a visitor can reach: visible and enabled."""
        screen = self.stack.currentWidget()
        if screen is None:
            return []
        return [
            button
            for button in screen.findChildren(QAbstractButton)
            if button.isVisibleTo(screen) and button.isEnabled()
        ]

    def _say(self, key: str | None, text: str) -> Part:
        """``key``'s recording in the visitor's spoken language, else ``text`` read aloud in
        the written language."""
        if (
            self.spoken is not None
            and key is not None
            and self.speaker.can_play(self.spoken, [key])
        ):
            return Played(self.spoken, (key,))
        return Said(self.language.code, text)

    def tile_parts(self, tile: QAbstractButton) -> list[Part]:
        """What is said of a tile: a language's name in that language (a spoken one's
        welcome), else the tile's recording or its accessible name."""
        code = tile.property(LANGUAGE)
        if code in SPOKEN_LANGUAGES:
            return [Played(code, ("welcome",))]
        if code:
            return [Said(code, tile.accessibleName() or tile.text())]
        return [self._say(tile.property(PROMPT), tile.accessibleName() or tile.text())]

    def screen_parts(self) -> list[Part]:
        """What the current screen asks, in the visitor's language."""
        screen = self.stack.currentWidget()
        catalog = self._context.catalog
        if screen is self.language_screen:
            parts: list[Part] = [
                Said(
                    language.code,
                    f"{catalog.text(language.code, 'kiosk.welcome')}. "
                    f"{catalog.text(language.code, 'kiosk.choose_language')}",
                )
                for language in catalog.languages
            ]
            return parts + [
                Played(code, ("welcome",))
                for code, tile in self.language_screen.spoken_buttons.items()
                if tile.isVisibleTo(self.language_screen)
            ]
        if isinstance(screen, TicketScreen):
            return self.ticket_parts(screen)
        title = getattr(screen, "title_label", None)
        if screen is not None and isinstance(title, QLabel):
            return [self._say(screen.property(PROMPT), title.text())]
        return []

    def ticket_parts(self, screen: TicketScreen) -> list[Part]:
        """The ticket's number and the people before, or the screen's message."""
        taken = screen.ticket
        if taken is None:
            key = "take_failed" if screen.failed else "taking"
            return [self._say(key, screen.message_label.text())]
        number, before = taken.ticket.number, taken.position
        if self.spoken is not None:
            words = tuple(ticket_words(number, before))
            if self.speaker.can_play(self.spoken, words):
                return [Played(self.spoken, words)]
        from ui.display import spoken_number

        tr = self.language.translator
        text = (
            f"{tr('kiosk.flow.your_number')} {spoken_number(number)}. "
            f"{tr('kiosk.flow.people_before', count=before)}. {tr('kiosk.flow.wait_for_call')}"
        )
        return [Said(self.language.code, text)]

    def help_parts(self) -> list[Part]:
        """The screen's question, how the keys work, and the focused tile."""
        tile = self.keys.current()
        instructions = self._say("help", self.language.translator("kiosk.keys.help"))
        return [
            *self.screen_parts(),
            instructions,
            *(self.tile_parts(tile) if tile is not None else []),
        ]

    def on_tile_focused(self, tile: QAbstractButton) -> None:
        """Say the tile a key moved to."""
        self.speaker.speak(self.tile_parts(tile))

    def on_tile_chosen(self, tile: QAbstractButton) -> None:
        """Say the tile chosen by a key, then choose it (the next screen is said after it;
        a tile that stays, such as the woman toggle, is said after it is pressed)."""
        self._chosen = self.tile_parts(tile)
        before = self.stack.currentWidget()
        tile.click()
        if self.stack.currentWidget() is before and self._chosen:
            self._chosen = []
            self.speaker.speak(self.tile_parts(tile))  # as it is now: a toggle's new state

    def on_help(self) -> None:
        """The help key: say the screen's instructions again."""
        if self.keys.current() is None:
            tiles = self.tiles()
            if tiles:
                tiles[0].setFocus(Qt.FocusReason.TabFocusReason)
        self.speaker.speak(self.help_parts())

    def on_screen_changed(self, _index: int) -> None:
        """A new screen: in keypad mode or for a spoken language, say what it asks (after the
        tile just chosen) and, in keypad mode, focus its first tile."""
        chosen, self._chosen = self._chosen, []
        if not (self.keys.active or self.spoken):
            return
        parts = chosen + self.screen_parts()
        if self.keys.active:
            tiles = self.tiles()
            if tiles:
                tiles[0].setFocus(Qt.FocusReason.TabFocusReason)
                parts += self.tile_parts(tiles[0])
        self.speaker.speak(parts)

    # --- the visitor's steps -------------------------------------------------------------

    def on_language_chosen(self, code: str) -> None:
        """Speak the visitor's language and ask for the reason of the visit (a spoken
        language shows its written language: Arabic for Darija, Tifinagh for Tachelhit)."""
        self.spoken = code if code in SPOKEN_LANGUAGES else None
        self.language.set_language(SPOKEN_LANGUAGES.get(code, code))
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
            language=self.spoken or self.language.code,
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
        if self.keys.active:
            self.ticket_screen.finish_button.setFocus(Qt.FocusReason.TabFocusReason)
        self.speaker.speak(self.ticket_parts(self.ticket_screen))
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
            remember = self.language.translator("kiosk.flow.remember_number")
            self.speaker.speak(
                [self._say("remember_number", remember), *self.ticket_parts(self.ticket_screen)]
            )
        self.print_finished.emit(printed)

    def on_take_failed(self, error: BaseException) -> None:
        """No ticket: say so and send the visitor to the front desk."""
        log.error("the kiosk could not take a ticket", exc_info=error)
        self.ticket_screen.show_failure()
        self.idle.timeout_ms = self._idle_ms
        self.idle.start()
        self.speaker.speak(self.ticket_parts(self.ticket_screen))

    def on_back_requested(self) -> None:
        """Back to the language choice, ready for the next visitor."""
        self._tasks.forget(TAKING)  # a ticket still on its way is not shown to the next one
        self._reason = None
        self.spoken = None
        self.keys.set_active(False)
        self.speaker.stop()
        focused = QApplication.focusWidget()
        if focused is not None and focused.window() is self:
            focused.clearFocus()  # the next visitor may touch: no focus outline
        self.idle.stop()
        self.idle.timeout_ms = self._idle_ms
        self.language.set_language(REFERENCE_LANGUAGE)
        for reset in self._resets:
            reset()
        self.stack.setCurrentWidget(self.language_screen)

    def on_executed(self, changes: Changes, _initiator: object) -> None:
        """Follow a change of the idle delay and of the recordings (read on the worker)."""
        if changes.touches({"kiosk_prompt"}):
            self.read_prompts()
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
