"""The display's calls: read from call events, announced one after the other, or silently."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence

import pytest
import shiboken6
from PySide6.QtCore import QObject, QTimer
from pytestqt.qtbot import QtBot

from kiosk.office import OfficeContext
from kiosk.queue.service import QueueService, TicketRequest
from ui.announcer import Announcement, Announcer, AudioOutput, load_audio
from ui.display import DisplayWindow, split_calls, spoken_number
from ui.tasks import Tasks

Done = Callable[[], None]


class Recorder:
    """What the fake sound system played, with overlaps detected."""

    def __init__(self) -> None:
        self.played: list[str] = []
        self.playing = 0
        self.overlapped = False

    def start(self, what: str, done: Done, duration_ms: int) -> None:
        self.played.append(what)
        self.playing += 1
        self.overlapped = self.overlapped or self.playing > 1

        def finish() -> None:
            self.playing -= 1
            done()

        QTimer.singleShot(duration_ms, finish)


class FakeChime:
    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder

    def play(self, done: Done) -> None:
        self._recorder.start("chime", done, 40)


class FakeVoice:
    def __init__(self, recorder: Recorder, languages: Sequence[str]) -> None:
        self._recorder = recorder
        self._languages = set(languages)

    def speaks(self, language: str) -> bool:
        return language in self._languages

    def say(self, language: str, text: str, done: Done) -> None:
        self._recorder.start(f"{language}: {text}", done, 60)


@pytest.fixture
def queue(office: OfficeContext) -> QueueService:
    return QueueService.for_office(office)


def make_display(
    qtbot: QtBot,
    office: OfficeContext,
    tasks: Tasks,
    announcer: Announcer | None = None,
) -> DisplayWindow:
    display = DisplayWindow(office, tasks, announcer=announcer)
    qtbot.addWidget(display)
    display.show()
    qtbot.waitUntil(lambda: display._seen is not None)
    return display


def test_calls_come_from_events_and_recalls_count_as_calls(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, queue: QueueService
) -> None:
    recorder = Recorder()
    announcer = Announcer(
        ("fr", "ar"),
        load=lambda parent, languages: AudioOutput(
            FakeChime(recorder), FakeVoice(recorder, languages)
        ),
    )
    display = make_display(qtbot, office, tasks, announcer)
    assert display.current_texts == []
    assert display.empty_label.isVisible()
    actor = office.system
    for reason in ("pensions_social_security",) * 6:
        queue.take(actor, TicketRequest(reason=reason))

    queue.call_next(actor, 2)
    qtbot.waitUntil(lambda: display.current_texts == ["A001 → Guichet 2"], timeout=3000)
    arabic = display.current_rows[0].lines["ar"].text()
    assert arabic == "\u200fA001 ← الشباك 2"
    assert not display.empty_label.isVisible()

    queue.recall(actor, "A001")  # the ticket row keeps its state; the event is a new call
    queue.call_next(actor, 1)
    queue.done(actor, queue.start(actor, "A002").ticket.number)
    for _ in range(3):
        queue.call_next(actor, 1)
    qtbot.waitUntil(lambda: len(display.calls) == 6, timeout=3000)

    assert display.current_texts == ["A005 → Guichet 1", "A001 → Guichet 2"]
    assert display.history_texts == [
        "A004 → Guichet 1",
        "A003 → Guichet 1",
        "A002 → Guichet 1",
    ]
    # Six new calls, announced in the order they were made, none cut by the next.
    qtbot.waitUntil(
        lambda: not announcer.busy and recorder.played.count("chime") == 6, timeout=10_000
    )
    assert not recorder.overlapped
    assert recorder.played[:3] == [
        "chime",
        "fr: Numéro A 1, Guichet 2.",
        "ar: الرقم A 1، الشباك 2.",
    ]
    spoken = [line for line in recorder.played if line.startswith("fr:")]
    assert spoken == [
        f"fr: Numéro A {n}, Guichet {c}."
        for n, c in ((1, 2), (1, 2), (2, 1), (3, 1), (4, 1), (5, 1))
    ]


def test_calls_made_before_the_display_opened_are_shown_but_not_announced(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, queue: QueueService
) -> None:
    queue.take(office.system, TicketRequest(reason="health"))
    queue.call_next(office.system, 1)
    announced: list[Announcement] = []
    announcer = Announcer(("fr",), load=lambda parent, languages: AudioOutput(None, None))
    announcer.announce = announced.append  # type: ignore[method-assign]
    display = make_display(qtbot, office, tasks, announcer)
    assert display.current_texts == ["D001 → Guichet 1"]
    assert announced == []


def test_a_display_without_sound_stays_visual_and_warns_once(
    qtbot: QtBot,
    office: OfficeContext,
    tasks: Tasks,
    queue: QueueService,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def nothing(parent: QObject, languages: Sequence[str]) -> AudioOutput:
        return AudioOutput(None, None, ("no audio output device", "no text-to-speech engine"))

    display = make_display(qtbot, office, tasks, Announcer(("fr", "ar"), load=nothing))
    for _ in range(3):
        queue.take(office.system, TicketRequest(reason="other"))
    with caplog.at_level(logging.WARNING, logger="ui.announcer"):
        for _ in range(3):
            queue.call_next(office.system, 1)
            qtbot.waitUntil(lambda: bool(display.current_texts), timeout=3000)
        qtbot.waitUntil(lambda: len(display.calls) == 3, timeout=3000)
    warnings = [r for r in caplog.records if r.name == "ui.announcer"]
    assert len(warnings) == 1
    assert "visual only" in warnings[0].getMessage()
    assert display.current_texts == ["Z003 → Guichet 1"]


def test_the_real_audio_loader_never_fails(qtbot: QtBot) -> None:
    """With or without libpulse, a device or a voice: an output, maybe an empty one."""
    owner = QObject()
    output = load_audio(owner, ("fr", "ar"))
    assert isinstance(output, AudioOutput)
    if output.chime is None or output.voice is None:
        assert output.problems


def test_numbers_and_splitting() -> None:
    assert spoken_number("A014") == "A 14"
    assert spoken_number("Z100") == "Z 100"
    assert split_calls([]) == ([], [])


def test_without_the_sound_modules_the_loader_reports_and_goes_on(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on a PC without libpulse0: QtMultimedia and QtTextToSpeech fail to import."""
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)
    monkeypatch.setitem(sys.modules, "PySide6.QtTextToSpeech", None)
    output = load_audio(QObject(), ("fr", "ar"))
    assert (output.chime, output.voice) == (None, None)
    assert [problem.split(" (")[0] for problem in output.problems] == [
        "no QtMultimedia",
        "no QtTextToSpeech",
    ]


def test_a_no_show_leaves_the_screen_a_recalled_number_is_listed_once_and_tifinagh_has_a_line(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, queue: QueueService
) -> None:
    actor = office.system
    queue.take(actor, TicketRequest(reason="health", language="zgh"))
    for _ in range(2):
        queue.take(actor, TicketRequest(reason="health"))
    display = make_display(qtbot, office, tasks)
    queue.call_next(actor, 1)
    qtbot.waitUntil(lambda: display.current_texts == ["D001 → Guichet 1"], timeout=3000)
    tifinagh = display.current_rows[0].lines["zgh"]
    assert tifinagh.isVisible() and tifinagh.text() == display.call_text(display.calls[0], "zgh")
    assert "ⴰⵙⵡⵉⵔ" in tifinagh.text()
    assert not display.current_rows[0].lines["en"].isVisible()

    for _ in range(2):
        queue.recall(actor, "D001")
    queue.no_show(actor, "D001")
    qtbot.waitUntil(lambda: display.current_texts == [], timeout=3000)
    assert display.empty_label.isVisible()

    queue.call_next(actor, 1)
    queue.call_next(actor, 1)
    qtbot.waitUntil(lambda: display.current_texts == ["D003 → Guichet 1"], timeout=3000)
    assert display.history_texts == ["D002 → Guichet 1", "D001 → Guichet 1"]  # D001 once
    screen = display.screen().availableGeometry()
    assert display.width() <= screen.width()
    assert display.minimumSizeHint().width() <= screen.width()  # no call makes it wider


def test_the_voice_is_tried_off_the_gui_thread(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess
    import threading

    import ui.announcer

    tried_on: list[str] = []
    loaded: list[bool] = []

    def stuck_speech(command: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        tried_on.append(threading.current_thread().name)
        return subprocess.CompletedProcess(command, 1, "", "speech-dispatcher is not running")

    def load(parent: QObject, languages: Sequence[str]) -> AudioOutput:
        loaded.append(True)
        return AudioOutput(None, None, ())

    monkeypatch.setattr(ui.announcer.subprocess, "run", stuck_speech)
    ui.announcer._engine_problem.cache_clear()
    try:
        display = make_display(qtbot, office, tasks, Announcer(("fr",), load=load))
        display.prepare_audio()
        qtbot.waitUntil(lambda: loaded == [True])
    finally:
        ui.announcer._engine_problem.cache_clear()
    from PySide6.QtTextToSpeech import QTextToSpeech

    if set(QTextToSpeech.availableEngines()) - ui.announcer.UNAVAILABLE_SPEECH_ENGINES:
        assert len(tried_on) == 1 and tried_on[0].startswith("baom-io")
    else:  # a PC without a speech engine to try
        assert tried_on == []


def test_a_chime_destroyed_while_it_plays_says_nothing_more(qtbot: QtBot) -> None:
    """A display closed in the middle of its chime: the sound effect's last "stopped" comes
    from its destructor, and must not reach a chime whose effect is being destroyed (it
    raised in the event loop, and could crash the display)."""
    from PySide6.QtMultimedia import QMediaDevices

    if not QMediaDevices.audioOutputs():
        pytest.skip("no audio output on this machine: there is no chime to destroy")
    parent = QObject()
    audio = load_audio(parent, languages=())
    assert audio.chime is not None
    ended: list[bool] = []
    audio.chime.play(lambda: ended.append(True))
    qtbot.wait(30)
    parent.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(parent), timeout=2000)
    qtbot.wait(50)
    assert ended == []


class FakeRecordings:
    """The office's recordings as the announcer sees them: which exist, and playing them."""

    def __init__(self, recorder: Recorder, recorded: set[str]) -> None:
        self._recorder = recorder
        self._recorded = recorded

    def has(self, language: str, keys: Sequence[str]) -> bool:
        return all(key in self._recorded for key in keys)

    def play_then(self, language: str, keys: Sequence[str], done: Done) -> None:
        self._recorder.start(f"{language}: {' '.join(keys)}", done, 50)


def test_a_ticket_taken_in_darija_is_called_in_the_recordings_when_every_piece_exists(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks, queue: QueueService
) -> None:
    recorder = Recorder()
    pieces = {"number", "letter.d", "number.1", "counter.1"}
    announcer = Announcer(
        ("fr", "ar"),
        load=lambda parent, languages: AudioOutput(
            FakeChime(recorder), FakeVoice(recorder, languages)
        ),
        recordings=FakeRecordings(recorder, pieces),
    )
    display = make_display(qtbot, office, tasks, announcer)
    queue.take(office.system, TicketRequest(reason="health", language="ary"))
    queue.take(office.system, TicketRequest(reason="health", language="shi"))
    queue.call_next(office.system, 1)
    qtbot.waitUntil(lambda: recorder.played.count("chime") == 1 and not announcer.busy)
    assert recorder.played == [
        "chime",
        "fr: Numéro D 1, Guichet 1.",
        "ar: الرقم D 1، الشباك 1.",
        "ary: number letter.d number.1 counter.1",
    ]
    queue.call_next(office.system, 1)  # D002 in Tachelhit: number.2 is not recorded
    qtbot.waitUntil(lambda: recorder.played.count("chime") == 2 and not announcer.busy)
    assert recorder.played[-1] == "ar: الرقم D 2، الشباك 1."
    assert display.current_texts == ["D002 → Guichet 1"]
