"""The waiting-room announcements: a chime, then the call spoken, one call after the other.

QtMultimedia and QtTextToSpeech come with PySide6-Addons and are imported only when the
first call is announced (start-up stays fast). On Linux both need the PulseAudio client
library (Debian ``libpulse0``), and speech needs speech-dispatcher with a voice; a PC
without a sound card or a voice is normal: the display then stays visual only and logs one
warning, never an error. Loading takes a second or two with speech-dispatcher (its engine
is first tried in a child process, so a stuck daemon cannot freeze the display): the
display loads it shortly after it opens.

Announcements are queued: a second call made while the first is announced waits for it to
end, so no announcement is ever cut. Each step also has a time limit, so a sound system
that never reports the end of a sound cannot block the queue.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from importlib import resources
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger(__name__)

STEP_LIMIT_MS = 15_000
VOICE_PROBE_S = 8
VOICE_PROBE = """
from PySide6.QtCore import QCoreApplication
from PySide6.QtTextToSpeech import QTextToSpeech
app = QCoreApplication([])
print(QTextToSpeech({engine!r}).state().name)
"""
MAX_PENDING = 6
NO_DEVICE = "no audio output device (no chime, no voice)"
UNAVAILABLE_SPEECH_ENGINES = frozenset({"mock"})  # Qt's test engine speaks nothing

Done = Callable[[], None]


class Sound(Protocol):
    """Something that plays and then says so (the chime)."""

    def play(self, done: Done) -> None: ...


class Voice(Protocol):
    """Something that speaks a text in a language and then says so."""

    def speaks(self, language: str) -> bool: ...

    def say(self, language: str, text: str, done: Done) -> None: ...


@dataclass(frozen=True)
class Announcement:
    """One call to announce: its texts by language, spoken in that order, then the office's
    recordings of it in a spoken language (``recorded``: the language and the prompt keys,
    ``kiosk.prompts.call_words``)."""

    key: str
    texts: tuple[tuple[str, str], ...]
    recorded: tuple[str, tuple[str, ...]] | None = None


class Recordings(Protocol):
    """Something that plays the office's recorded prompts (``ui.kiosk_voice.PromptPlayer``)."""

    def has(self, language: str, keys: Sequence[str]) -> bool: ...

    def play_then(self, language: str, keys: Sequence[str], done: Done) -> None: ...


@dataclass
class AudioOutput:
    """What this PC can do: a chime, a voice, both or neither (and why not)."""

    chime: Sound | None
    voice: Voice | None
    problems: tuple[str, ...] = ()


class QtChime:
    """The shipped chime played with ``QSoundEffect``."""

    def __init__(self, effect: Any) -> None:
        self._effect = effect
        self._done: Done | None = None
        effect.playingChanged.connect(self._on_playing_changed)

    def play(self, done: Done) -> None:
        """Play the chime once; ``done()`` when it ended."""
        self._done = done
        self._effect.play()

    def _on_playing_changed(self) -> None:
        # The effect's destructor stops it, and says so: a display closed mid-chime.
        if not shiboken6.isValid(self._effect):
            return
        if not self._effect.isPlaying() and self._done is not None:
            done, self._done = self._done, None
            done()


class QtVoice:
    """Speech through ``QTextToSpeech`` in the languages its engine has a voice for."""

    def __init__(self, speech: Any, locales: dict[str, Any]) -> None:
        self._speech = speech
        self._locales = locales
        self._done: Done | None = None
        self._started = False
        speech.stateChanged.connect(self._on_state_changed)

    def speaks(self, language: str) -> bool:
        """Whether a voice exists for ``language``."""
        return language in self._locales

    def say(self, language: str, text: str, done: Done) -> None:
        """Speak ``text``; ``done()`` once the engine is ready again."""
        self._done = done
        self._started = False
        self._speech.setLocale(self._locales[language])
        self._speech.say(text)

    def stop(self) -> None:
        """Stop speaking now, without calling back."""
        self._done = None
        self._speech.stop()

    def _on_state_changed(self, state: Any) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if state == QTextToSpeech.State.Speaking:
            self._started = True
            return
        finished = state == QTextToSpeech.State.Error or (
            state == QTextToSpeech.State.Ready and self._started
        )
        if finished and self._done is not None:
            done, self._done = self._done, None
            done()


def _load_chime(parent: QObject) -> tuple[Sound | None, str | None]:
    try:
        from PySide6.QtCore import QUrl
        from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
    except ImportError as error:
        return None, f"no QtMultimedia ({error})"
    if not QMediaDevices.audioOutputs():
        return None, NO_DEVICE
    path = resources.files("resources") / "sounds" / "chime.wav"
    effect = QSoundEffect(parent)
    effect.setSource(QUrl.fromLocalFile(str(path)))
    return QtChime(effect), None


def probe_speech() -> None:
    """Try the first speech engine in a child process now and remember the answer (seconds
    with speech-dispatcher): run on the outside worker, so that loading the voice on the
    GUI thread afterwards waits for nothing."""
    try:
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError:
        return
    engines = [
        name for name in QTextToSpeech.availableEngines() if name not in UNAVAILABLE_SPEECH_ENGINES
    ]
    if engines:
        _engine_problem(engines[0])


@cache
def _engine_problem(engine: str) -> str | None:
    """Why ``engine`` cannot speak, tried in a child process first (once per process): a
    speech-dispatcher that is stuck makes ``QTextToSpeech("speechd")`` wait for ever, and
    the display with it."""
    try:
        result = subprocess.run(
            [sys.executable, "-c", VOICE_PROBE.format(engine=engine)],
            capture_output=True,
            text=True,
            timeout=VOICE_PROBE_S,
        )
    except subprocess.TimeoutExpired:
        return f"the {engine} speech engine did not answer within {VOICE_PROBE_S} s"
    answer = result.stdout.strip()
    if result.returncode != 0 or answer != "Ready":
        detail = answer or result.stderr.strip()[-200:] or f"exit code {result.returncode}"
        return f"the {engine} speech engine is not ready ({detail})"
    return None


def load_voice(parent: QObject, languages: Sequence[str]) -> tuple[Voice | None, str | None]:
    """A text-to-speech voice for ``languages`` (those it has), or why there is none."""
    try:
        from PySide6.QtCore import QLocale
        from PySide6.QtTextToSpeech import QTextToSpeech
    except ImportError as error:
        return None, f"no QtTextToSpeech ({error})"
    engines = [
        name for name in QTextToSpeech.availableEngines() if name not in UNAVAILABLE_SPEECH_ENGINES
    ]
    if not engines:
        return None, "no text-to-speech engine"
    problem = _engine_problem(engines[0])
    if problem is not None:
        return None, problem
    speech = QTextToSpeech(engines[0], parent)
    if speech.state() == QTextToSpeech.State.Error:
        return None, f"the {engines[0]} speech engine failed: {speech.errorString()}"
    available = speech.availableLocales()
    locales = {}
    for code in languages:
        wanted = QLocale(code).language()
        match = next((locale for locale in available if locale.language() == wanted), None)
        if match is not None:
            locales[code] = match
    if not locales:
        return None, f"no {engines[0]} voice for {', '.join(languages)}"
    return QtVoice(speech, locales), None


def load_audio(parent: QObject, languages: Sequence[str]) -> AudioOutput:
    """The chime and the voice this PC has (imports QtMultimedia/QtTextToSpeech now)."""
    chime, chime_problem = _load_chime(parent)
    if chime_problem == NO_DEVICE:  # a voice would speak to nobody, and never say it ended
        voice, voice_problem = None, None
    else:
        voice, voice_problem = load_voice(parent, languages)
    problems = tuple(problem for problem in (chime_problem, voice_problem) if problem)
    return AudioOutput(chime, voice, problems)


class Announcer(QObject):
    """Announces calls one after the other: the chime, then the text in each language.

    ``load`` gives the audio output; it is called once, at the first announcement.

    Signals:
        announcement_started(str): an announcement began; carries its key.
        announcement_finished(str): it ended (every step played or timed out).
    """

    announcement_started = Signal(str)
    announcement_finished = Signal(str)

    def __init__(
        self,
        languages: Sequence[str],
        load: Callable[[QObject, Sequence[str]], AudioOutput] = load_audio,
        parent: QObject | None = None,
        recordings: Recordings | None = None,
    ) -> None:
        super().__init__(parent)
        self._recordings = recordings
        self._languages = tuple(languages)
        self._load = load
        self._output: AudioOutput | None = None
        self._queue: deque[Announcement] = deque()
        self._steps: deque[Callable[[Done], None]] = deque()
        self._current: Announcement | None = None
        self._step_token = 0
        self._limit = QTimer(self, singleShot=True, interval=STEP_LIMIT_MS)
        self._limit.timeout.connect(self.on_step_timed_out)

    @property
    def output(self) -> AudioOutput:
        """The audio output, loaded on first use."""
        if self._output is None:
            self._output = self._load(self, self._languages)
            if self._output.problems:
                log.warning(
                    "the waiting-room display stays visual only for what it cannot play: %s",
                    "; ".join(self._output.problems),
                )
        return self._output

    def preload(self) -> None:
        """Load the audio output now (imports QtMultimedia and QtTextToSpeech)."""
        _ = self.output

    @property
    def busy(self) -> bool:
        """Whether an announcement is playing."""
        return self._current is not None

    @property
    def pending(self) -> int:
        """Announcements waiting for the current one to end."""
        return len(self._queue)

    def announce(self, announcement: Announcement) -> None:
        """Queue ``announcement``; it plays after those before it."""
        output = self.output
        if output.chime is None and output.voice is None:
            return
        self._queue.append(announcement)
        while len(self._queue) > MAX_PENDING:  # a voice that hangs must not pile up a day
            dropped = self._queue.popleft()
            log.info("announcement %s dropped: %d others wait", dropped.key, MAX_PENDING)
        if self._current is None:
            self._start_next()

    def _start_next(self) -> None:
        if not self._queue:
            self._current = None
            return
        self._current = self._queue.popleft()
        output = self.output
        steps: deque[Callable[[Done], None]] = deque()
        if output.chime is not None:
            steps.append(output.chime.play)
        voice = output.voice
        if voice is not None:
            for language, text in self._current.texts:
                if voice.speaks(language):
                    steps.append(partial(voice.say, language, text))
        recorded = self._current.recorded
        if (
            recorded is not None
            and self._recordings is not None
            and self._recordings.has(*recorded)
            and output.chime is not None  # an audio output there is
        ):
            steps.append(partial(self._recordings.play_then, *recorded))
        self._steps = steps
        self.announcement_started.emit(self._current.key)
        self._next_step()

    def _next_step(self) -> None:
        self._step_token += 1
        if not self._steps:
            self._limit.stop()
            finished = self._current
            self._current = None
            if finished is not None:
                self.announcement_finished.emit(finished.key)
            self._start_next()
            return
        step = self._steps.popleft()
        token = self._step_token
        self._limit.start()
        step(lambda: self._step_done(token))

    def _step_done(self, token: int) -> None:
        if token != self._step_token:  # a late "done" of a step that timed out is ignored
            return
        self._step_token += 1
        QTimer.singleShot(0, self._next_step)

    def on_step_timed_out(self) -> None:
        """A step never reported its end: go on rather than stay silent for ever."""
        log.info("an announcement step took longer than %d ms; going on", STEP_LIMIT_MS)
        self._step_done(self._step_token)
