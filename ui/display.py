"""The waiting-room display: the calls, the office name, a live clock. Never personal data.

The calls come from the call events of the queue (a recall is a new call), read on the
worker thread whenever the database changes: the current call of each counter very large,
in French and in Arabic ("A014 → Guichet 2", Western digits for everyone), and the four
calls before them. Each new call is announced (chime and voice) one after the other, when
this PC can play sound. The date is written in every language of the catalog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

from PySide6.QtCore import QDate, QLocale, QSize, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from db.base import utcnow
from db.changes import Changes
from db.models import TicketState
from kiosk.clock import office_moment
from kiosk.office import OfficeContext
from kiosk.prompts import Sound, call_words, recordings
from kiosk.queue.calls import CallView, recent_calls
from kiosk.queue.service import QueueService
from kiosk.settings import SPOKEN_LANGUAGES
from ui.announcer import Announcement, Announcer, probe_speech
from ui.kiosk_voice import PromptPlayer
from ui.language import LanguageState, direction_of
from ui.styles import named, style_sheet
from ui.tasks import Follow, FollowingWidget, Tasks, log_failure

log = logging.getLogger(__name__)

TICK_MS = 1000
DATE_FORMAT = "dddd d MMMM yyyy"
CALL_LANGUAGES = ("fr", "ar")  # the two lines of every call, and the spoken order
HISTORY = 4
EVENTS_READ = 16
AUDIO_PRELOAD_MS = 1500
RLM = "\u200f"  # starts the Arabic line right to left although it begins with "A014"


def locale_for(code: str) -> QLocale:
    """Qt's locale for one of our language codes, as written in Morocco."""
    return QLocale(f"{code}_MA")


def split_calls(calls: Sequence[CallView]) -> tuple[list[CallView], list[CallView]]:
    """The current call of each counter (newest first) and the ``HISTORY`` calls before.

    A number shows once, at its latest call (a recall is not a new line); a counter whose
    latest call was a no-show shows no current call.
    """
    current: list[CallView] = []
    history: list[CallView] = []
    counters: set[int] = set()
    listed: set[str] = set()
    for call in calls:
        if call.number in listed:
            continue
        listed.add(call.number)
        if call.counter not in counters:
            counters.add(call.counter)
            if call.state is not TicketState.NO_SHOW:
                current.append(call)
                continue
        if len(history) < HISTORY:
            history.append(call)
    return current, history


def spoken_number(number: str) -> str:
    """``A014`` as a voice should say it: ``A 14``."""
    letters = number.rstrip("0123456789")
    digits = number[len(letters) :]
    return f"{letters} {int(digits)}" if digits else number


class CallRow(QWidget):
    """One call: French left to right and Arabic right to left on one line, and below them
    the ticket's own language when it is another (Tamazight, English).

    Its labels never make the window wider than its screen.
    """

    def __init__(self, object_name: str, languages: Sequence[str]) -> None:
        super().__init__()
        self.lines: dict[str, QLabel] = {}
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 2, 0, 2)
        line = QHBoxLayout()
        line.setSpacing(48)
        column.addLayout(line)
        for code in (*CALL_LANGUAGES, *(code for code in languages if code not in CALL_LANGUAGES)):
            label = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter), f"{object_name}_{code}")
            label.setLayoutDirection(direction_of(code == "ar"))
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            if code in CALL_LANGUAGES:
                line.addWidget(label)
            else:
                column.addWidget(label)
            self.lines[code] = label


class DisplayWindow(FollowingWidget):
    """The calls, office name, clock and date. F11 toggles full screen.

    ``now`` gives the current time (tests pass a fake clock), shown on the office's clock
    whatever the PC's zone (``kiosk.clock``); ``announcer`` plays
    the chime and the voice (one is made on demand).

    Signals:
        calls_shown(list): the calls on screen changed; carries them, newest first.
    """

    calls_shown = Signal(list)

    def __init__(
        self,
        context: OfficeContext,
        tasks: Tasks,
        now: Callable[[], datetime] = utcnow,
        announcer: Announcer | None = None,
    ) -> None:
        super().__init__()
        self._context = context
        self._tasks = tasks
        self._now = now
        self._queue = QueueService.for_office(context)
        self.recordings = PromptPlayer(self)
        self.announcer = announcer or Announcer(
            CALL_LANGUAGES, parent=self, recordings=self.recordings
        )
        self.calls: list[CallView] = []
        self._seen: set[str] | None = None  # event ids already on screen; None before the first
        self.setObjectName("display")
        self.setStyleSheet(style_sheet("display"))
        self.resize(QSize(1280, 720).boundedTo(self.screen().availableGeometry().size()))
        self.language = LanguageState(
            context.catalog, str(context.settings.get("desk.language")), self
        )
        self.clock_24h = bool(context.settings.get("display.clock_24h"))
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.on_tick)
        self._timer.start()
        self.language.language_changed.connect(self.retranslate)
        self.retranslate()
        self.on_tick()
        self.follow = Follow(self, tasks, {"queue_event", "ticket"}, self.refresh)
        tasks.executed.connect(self.on_executed)
        self.read_prompts()
        # Finding the sound card and the voices takes a while (seconds with speech-dispatcher):
        # done once the room sees the window, not when the first visitor is called.
        QTimer.singleShot(AUDIO_PRELOAD_MS, self.prepare_audio)

    def read_prompts(self) -> None:
        """Read the office's recordings in Darija and Tachelhit (on the worker)."""
        context = self._context

        def read() -> dict[str, dict[str, Sound]]:
            return {language: recordings(context, language) for language in SPOKEN_LANGUAGES}

        self._tasks.run(read, self.on_prompts_read, log_failure, latest="display prompts")

    def on_prompts_read(self, found: dict[str, dict[str, Sound]]) -> None:
        """Keep the recordings decoded: a call is said in them when all its pieces exist."""
        for language, sounds in found.items():
            self.recordings.load(language, sounds)

    def on_executed(self, changes: Changes, _initiator: object) -> None:
        """The office recorded prompts again: read them."""
        if changes.touches({"kiosk_prompt"}):
            self.read_prompts()

    def prepare_audio(self) -> None:
        """Try the speech engine on the outside worker, then load the chime and the voice."""
        self._tasks.run_outside(probe_speech, self.on_speech_probed, self.on_speech_probed)

    def on_speech_probed(self, _outcome: object) -> None:
        """The engine was tried (its problem, if any, is remembered): load the audio now."""
        self.announcer.preload()

    def _build(self) -> None:
        center = Qt.AlignmentFlag.AlignCenter
        self.office_label = named(QLabel(self._context.office_name), "displayOffice")
        self.clock_label = named(QLabel(), "displayClock")
        top = QGridLayout()
        top.addWidget(self.office_label, 0, 0, Qt.AlignmentFlag.AlignLeft)
        top.addWidget(self.clock_label, 0, 1, Qt.AlignmentFlag.AlignRight)
        self.empty_label = named(QLabel(alignment=center, wordWrap=True), "displayEmpty")
        codes = [language.code for language in self._context.catalog.languages]
        self.current_rows = [CallRow("displayCurrent", codes) for _ in self._queue.config.counters]
        self.history_title = named(QLabel(alignment=center), "displayHistoryTitle")
        self.history_rows = [CallRow("displayHistory", codes) for _ in range(HISTORY)]
        history = QGridLayout()
        for index, row in enumerate(self.history_rows):
            history.addWidget(row, index // 2, index % 2)
        self.date_labels: dict[str, QLabel] = {}
        dates = QGridLayout()
        for index, language in enumerate(self._context.catalog.languages):
            label = named(QLabel(alignment=center), "displayDate")
            label.setLayoutDirection(direction_of(language.right_to_left))
            dates.addWidget(label, index // 2, index % 2)
            self.date_labels[language.code] = label
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addStretch(1)
        layout.addWidget(self.empty_label)
        for row in self.current_rows:
            layout.addWidget(row)
        layout.addStretch(1)
        rule = named(QFrame(frameShape=QFrame.Shape.HLine), "displayRule")
        layout.addWidget(rule)
        layout.addWidget(self.history_title)
        layout.addLayout(history)
        layout.addSpacing(12)
        layout.addLayout(dates)

    def retranslate(self) -> None:
        """The window title in the display's language."""
        tr = self.language.translator
        self.language.apply_direction(self)
        self.setWindowTitle(f"{tr('app.name')} — {tr('window.display')}")
        catalog = self._context.catalog
        self.history_title.setText(
            "   ·   ".join(catalog.text(code, "display.calls_title") for code in CALL_LANGUAGES)
        )
        self.empty_label.setText(
            "\n".join(catalog.text(code, "display.waiting_for_calls") for code in CALL_LANGUAGES)
        )
        self._show_calls()

    def refresh(self) -> None:
        """Read the latest calls again (on the worker thread)."""
        work = partial(
            recent_calls,
            self._context.store,
            self._context.office_id,
            self._queue.today(),
            EVENTS_READ,
        )
        self._tasks.run(work, self.on_calls_loaded, self.on_read_failed, latest="display calls")

    def on_read_failed(self, error: BaseException) -> None:
        """Keep what is on screen; the next change tries again."""
        log.error("the calls could not be read", exc_info=error)

    def on_calls_loaded(self, calls: list[CallView]) -> None:
        """Show the calls just read and announce the new ones, oldest first."""
        first_read = self._seen is None
        seen = self._seen or set()
        new = [call for call in calls if str(call.event_id) not in seen]
        self._seen = seen | {str(call.event_id) for call in calls}
        self.calls = list(calls)
        self._show_calls()
        self.calls_shown.emit(self.calls)
        if not first_read:
            for call in reversed(new):
                self.announcer.announce(self._announcement(call))

    def _counter_label(self, code: str, number: int) -> str:
        try:
            return self._queue.config.counter(number).labels[code]
        except (KeyError, ValueError):
            return str(number)

    def call_text(self, call: CallView, code: str) -> str:
        """One line of a call in language ``code``: ``A014 → Guichet 2``."""
        text = self._context.catalog.text(
            code,
            "display.call_line",
            number=call.number,
            counter=self._counter_label(code, call.counter),
        )
        return RLM + text if code == "ar" else text

    def _announcement(self, call: CallView) -> Announcement:
        texts = tuple(
            (
                code,
                self._context.catalog.text(
                    code,
                    "display.announcement",
                    number=spoken_number(call.number),
                    counter=self._counter_label(code, call.counter),
                ),
            )
            for code in CALL_LANGUAGES
        )
        recorded = None
        if call.language in SPOKEN_LANGUAGES:  # the visitor took it in Darija or Tachelhit
            recorded = (call.language, tuple(call_words(call.number, call.counter)))
        return Announcement(str(call.event_id), texts, recorded)

    def _show_calls(self) -> None:
        current, history = split_calls(self.calls)
        self.empty_label.setVisible(not current)
        for rows, calls in ((self.current_rows, current), (self.history_rows, history)):
            for index, row in enumerate(rows):
                call = calls[index] if index < len(calls) else None
                row.setVisible(call is not None or rows is self.history_rows)
                for code, label in row.lines.items():
                    shown = call is not None and code in (*CALL_LANGUAGES, call.language)
                    label.setText(self.call_text(call, code) if call and shown else "")
                    label.setVisible(shown or code in CALL_LANGUAGES)

    @property
    def current_texts(self) -> list[str]:
        """The French lines of the current calls (what the room reads first)."""
        return [row.lines["fr"].text() for row in self.current_rows if row.lines["fr"].text()]

    @property
    def history_texts(self) -> list[str]:
        """The French lines of the earlier calls."""
        return [row.lines["fr"].text() for row in self.history_rows if row.lines["fr"].text()]

    def on_tick(self) -> None:
        """Show the current time and date."""
        moment = office_moment(self._now())
        time = QTime(moment.hour, moment.minute, moment.second)
        clock_format = "HH:mm:ss" if self.clock_24h else "h:mm:ss AP"
        self.clock_label.setText(locale_for(self.language.code).toString(time, clock_format))
        date = QDate(moment.year, moment.month, moment.day)
        for code, label in self.date_labels.items():
            label.setText(locale_for(code).toString(date, DATE_FORMAT))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """F11 switches between full screen and a window."""
        if event.key() == Qt.Key.Key_F11:
            if self.isFullScreen():
                self.showNormal()
            else:
                self.showFullScreen()
            return
        super().keyPressEvent(event)
