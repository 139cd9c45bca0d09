"""The kiosk's voice: recorded prompts (Darija, Tachelhit) and text-to-speech (the four
written languages), one utterance at a time, a new one cutting the one before.

Recordings are decoded once, when read (:meth:`PromptPlayer.load`), and a prompt's samples
are handed to a ``QAudioSink`` at once: the first sound follows a touch within a few
milliseconds (``baom bench --only kiosk_prompt_latency``). Text-to-speech is the display's
(:func:`ui.announcer.load_voice`). A PC without an audio output or a voice is normal: the
kiosk then stays silent (``available`` is false) and logs one warning.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Signal

from kiosk.prompts import Sound
from ui.announcer import NO_DEVICE, Voice, load_voice

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Said:
    """A text said by text-to-speech in a written language."""

    language: str
    text: str


@dataclass(frozen=True)
class Played:
    """Recorded prompts played one after the other in a spoken language."""

    language: str
    keys: tuple[str, ...]


Part = Said | Played


class PromptPlayer(QObject):
    """Plays recorded prompts through a ``QAudioSink``, from samples decoded in advance.

    Signals:
        sound_started(): the first samples were handed to the audio output (it is active).
        finished(): the prompts played to their end (or were stopped).
    """

    sound_started = Signal()
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._samples: dict[str, dict[str, tuple[int, bytes]]] = {}
        self._sink: Any = None
        self._buffer: QBuffer | None = None
        self._runs: deque[tuple[int, bytes]] = deque()
        self._device: Any = None
        self.problem: str | None = None
        """Why this PC plays no recording; None until the output was looked for."""

    @property
    def available(self) -> bool:
        """Whether this PC can play a recording (QtMultimedia is imported at the first
        question: the kiosk's first paint does not wait for it)."""
        if self.problem is None:
            self.problem = self._find_output()
            if self.problem:
                log.warning("the kiosk plays no recording and speaks no text: %s", self.problem)
        return self._device is not None

    def _find_output(self) -> str:
        try:
            from PySide6.QtMultimedia import QMediaDevices
        except ImportError as error:
            return f"no QtMultimedia ({error})"
        if not QMediaDevices.audioOutputs():
            return NO_DEVICE
        self._device = QMediaDevices.defaultAudioOutput()
        return ""

    def load(self, language: str, sounds: Mapping[str, Sound]) -> None:
        """Keep the decoded samples of ``language``'s recordings (replacing those before)."""
        self._samples[language] = {key: (sound.rate, sound.pcm) for key, sound in sounds.items()}

    def has(self, language: str, keys: Sequence[str]) -> bool:
        """Whether every one of ``keys`` is recorded in ``language``."""
        known = self._samples.get(language, {})
        return bool(keys) and all(key in known for key in keys)

    def play(self, language: str, keys: Sequence[str]) -> None:
        """Play ``keys`` one after the other (those not recorded are left out)."""
        self.stop()
        known = self._samples.get(language, {})
        runs: deque[tuple[int, bytes]] = deque()
        for key in keys:
            if key not in known:
                continue
            rate, pcm = known[key]
            if runs and runs[-1][0] == rate:  # one buffer for pieces of the same rate
                runs[-1] = (rate, runs[-1][1] + pcm)
            else:
                runs.append((rate, pcm))
        self._runs = runs
        self._next_run()

    def play_then(self, language: str, keys: Sequence[str], done: Callable[[], None]) -> None:
        """Play ``keys``, then call ``done`` (the display's announcer)."""

        def finished() -> None:
            self.finished.disconnect(finished)
            done()

        self.finished.connect(finished)
        self.play(language, keys)

    def stop(self) -> None:
        """Stop at once (a new utterance, or the visitor left)."""
        self._runs.clear()
        if self._sink is not None:
            from shiboken6 import isValid

            sink, self._sink = self._sink, None
            if isValid(sink):
                sink.stop()  # its state changes are no longer followed: not the current one

    def _next_run(self) -> None:
        if not self._runs or not self.available:
            self._sink = None
            self.finished.emit()
            return
        from PySide6.QtMultimedia import QAudio, QAudioFormat, QAudioSink  # noqa: F401 (QAudio: the signal's type)

        rate, pcm = self._runs.popleft()
        audio_format = QAudioFormat()
        audio_format.setSampleRate(rate)
        audio_format.setChannelCount(1)
        audio_format.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        sink = QAudioSink(self._device, audio_format, self)
        sink.stateChanged.connect(lambda state: self._on_state(sink, state))
        self._sink = sink
        self._buffer = QBuffer(sink)
        self._buffer.setData(QByteArray(pcm))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        sink.start(self._buffer)

    def _on_state(self, sink: Any, state: Any) -> None:
        from PySide6.QtMultimedia import QAudio
        from shiboken6 import isValid

        if sink is not self._sink or not isValid(sink) or not isValid(self):
            return  # an earlier sink, or one being deleted with the kiosk
        if state == QAudio.State.ActiveState:
            self.sound_started.emit()
        elif state in (QAudio.State.IdleState, QAudio.State.StoppedState):  # played, or failed
            sink.stop()
            self._next_run()


class KioskSpeaker(QObject):
    """Says utterances (lists of :data:`Part`) one part after the other; a new utterance
    cuts the current one.

    ``voice`` speaks the written languages (none: only recordings are played).
    """

    def __init__(self, player: PromptPlayer, voice: Voice | None = None) -> None:
        super().__init__(player)
        self.player = player
        self.voice = voice
        self._parts: deque[Part] = deque()
        self._token = 0
        self.said: list[Part] = []
        """Every part asked to be said since the start (tests read it)."""
        player.finished.connect(self._part_done)

    def can_play(self, language: str, keys: Sequence[str]) -> bool:
        """Whether ``keys`` are all recorded in ``language``."""
        return self.player.has(language, keys)

    def speak(self, parts: Sequence[Part]) -> None:
        """Say ``parts``, cutting what is being said."""
        self._token += 1
        self._parts = deque(parts)
        self.said.extend(parts)
        self.player.stop()
        stop_voice = getattr(self.voice, "stop", None)
        if stop_voice is not None:
            stop_voice()
        self._next()

    def stop(self) -> None:
        """Say nothing more."""
        self.speak(())

    def _next(self) -> None:
        if not self._parts:
            return
        part = self._parts.popleft()
        if isinstance(part, Played):
            if self.player.available:
                self.player.play(part.language, part.keys)
                return
        elif self.voice is not None and self.voice.speaks(part.language):
            token = self._token
            self.voice.say(part.language, part.text, lambda: self._voice_done(token))
            return
        self._next()

    def _voice_done(self, token: int) -> None:
        if token == self._token:
            self._next()

    def _part_done(self) -> None:
        self._next()


def make_speaker(parent: QObject) -> KioskSpeaker:
    """The kiosk's speaker on the default audio output; its voice comes later
    (:func:`load_kiosk_voice`: finding one takes seconds with speech-dispatcher)."""
    return KioskSpeaker(PromptPlayer(parent))


def load_kiosk_voice(speaker: KioskSpeaker, languages: Sequence[str]) -> None:
    """Give ``speaker`` the text-to-speech voice of ``languages`` this PC has (after
    :func:`ui.announcer.probe_speech` ran off the GUI thread)."""
    if not speaker.player.available:
        return
    voice, problem = load_voice(speaker, languages)
    if problem:
        log.warning("the kiosk speaks the written languages in no voice: %s", problem)
    speaker.voice = voice
