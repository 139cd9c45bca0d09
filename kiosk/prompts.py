"""The kiosk's prompts recorded by the office, for the visitors who speak Darija or Tachelhit.

No text-to-speech voice exists for Moroccan Darija (``ary``) or Tachelhit (``shi``): a
supervisor records each prompt (the desk's recorder, or ``baom kiosk prompts import``), and
the kiosk and the display play the recordings, composing a ticket or a call from pieces
(:func:`ticket_words`, :func:`call_words`). The keys are defined here once
(:func:`prompt_keys`): some fixed, the others from the office's reasons and counters.

A recording is stored as a WAV file, mono, 16-bit PCM, at most 16 kHz (a file at a higher
rate is resampled, a stereo one mixed down, the silence at either end trimmed), in a synced
record (``kiosk_prompt``) that travels sealed with the sync like the office settings: it is
office data, never a visitor's. Its size is bounded so that its sealed copy fits an envelope
(``protocol.wire.MAX_SEALED_CHARS``): :data:`MAX_AUDIO_BYTES` of sound, that is
:data:`MAX_SECONDS` at 16 kHz; an imported file may take at most :data:`MAX_FILE_BYTES`.
"""

from __future__ import annotations

import base64
import io
import wave
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from db.models import KioskPrompt
from db.uow import Actor
from kiosk.accounts import Permission, require
from kiosk.i18n import Refusal
from kiosk.office import OfficeContext
from kiosk.queue.config import QueueConfig
from kiosk.settings import SPOKEN_LANGUAGES

RATE = 16_000
"""The highest sample rate kept: speech needs no more, and a recording stays small."""
MAX_AUDIO_BYTES = 200_000
"""The sound of one recording (mono, 16-bit), so that its sealed copy fits the sync."""
MAX_SECONDS = MAX_AUDIO_BYTES / (2 * RATE)
MAX_FILE_BYTES = 1_000_000
"""The largest WAV file an import reads."""
MIN_RATE = 8_000
SILENCE = 328
"""Samples quieter than this (1 % of full scale) at either end are trimmed away: pieces put
together follow each other closely, and the first sound comes at once."""
MARGIN_MS = 40
NUMBERS = range(100)

FIXED_KEYS = (
    "welcome",
    "help",
    "choose_reason",
    "browse",
    "back",
    "priority",
    "woman",
    "woman_chosen",
    "taking",
    "your_number_is",
    "people_before",
    "please_wait",
    "remember_number",
    "take_failed",
    "finished",
    "number",
)
"""The prompts every office records, in the order a visitor hears them: the welcome (said
when the language is focused), how the keys work, the reasons' question, "where can
I…?", "back", the priority question, "to be received by a woman: no" and "…: yes" (the
priority screen's toggle, said with its state), "one moment", "your number is", "people before
you", "please wait to be called", "remember your number" (not printed), "no ticket:
ask at the desk", "finished", and "number" (the display's call)."""
PRIORITY_KEYS = ("elderly", "pregnant", "disability", "baby", "none")


class PromptError(Refusal):
    """A recording or an import refused (``error.prompts.*``): the message says which file
    or prompt, and why."""

    catalog_prefix = "error.prompts"


class ImportRefused(PromptError):
    """An import that saved nothing: ``refused`` says why for each file refused."""

    def __init__(self, refused: list[PromptError]) -> None:
        lines = "\n".join(str(error) for error in refused)
        super().__init__(
            f"nothing was imported; {len(refused)} file(s) refused:\n{lines}",
            "nothing_imported",
            count=len(refused),
        )
        self.refused = tuple(refused)


def prompt_keys(config: QueueConfig) -> tuple[str, ...]:
    """Every prompt key of an office with these reasons and counters, in the order shown to
    the supervisor: the fixed prompts, each reason (``reason.<key>``), each priority
    (``priority.<kind>``), the letter of each reason's numbers (``letter.a``), the numbers
    0 to 99 (``number.42``) and each counter (``counter.2``: "counter 2" said whole)."""
    letters = sorted({reason.prefix.lower() for reason in config.reasons})
    return (
        *FIXED_KEYS,
        *(f"reason.{reason.key}" for reason in config.reasons),
        *(f"priority.{kind}" for kind in PRIORITY_KEYS),
        *(f"letter.{letter}" for letter in letters),
        *(f"number.{value}" for value in NUMBERS),
        *(f"counter.{counter.number}" for counter in config.counters),
    )


def number_words(value: int) -> list[str]:
    """How a number is said from recordings: 0 to 99 whole, a larger one digit by digit."""
    if value in NUMBERS:
        return [f"number.{value}"]
    return [f"number.{digit}" for digit in str(value)]


def ticket_number_words(number: str) -> list[str]:
    """A ticket number (``A014``) as pieces: its letter, then its number (14)."""
    letters = number.rstrip("0123456789")
    digits = number[len(letters) :]
    words = [f"letter.{letter.lower()}" for letter in letters]
    return words + (number_words(int(digits)) if digits else [])


def ticket_words(number: str, people_before: int) -> list[str]:
    """What the kiosk says when it gives a ticket: "your number is A 14, people before you:
    3, please wait to be called"."""
    return [
        "your_number_is",
        *ticket_number_words(number),
        "people_before",
        *number_words(people_before),
        "please_wait",
    ]


def call_words(number: str, counter: int) -> list[str]:
    """What the display says of a call: "number A 14, counter 3"."""
    return ["number", *ticket_number_words(number), f"counter.{counter}"]


# --- the sound ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sound:
    """A recording as kept: a WAV file (mono, 16-bit PCM, at most 16 kHz)."""

    wav: bytes
    rate: int
    duration_ms: int

    @property
    def pcm(self) -> bytes:
        """The samples alone (what an audio output plays)."""
        with wave.open(io.BytesIO(self.wav)) as reader:
            pcm: bytes = reader.readframes(reader.getnframes())
        return pcm


def _mono_16bit(frames: bytes, width: int, channels: int, rate: int) -> tuple[bytes, int]:
    """The samples as mono 16-bit at ``rate``, or at 16 kHz when higher, without the silence
    at either end (numpy and scipy, imported when a recording is saved)."""
    import numpy as np

    if width == 1:
        samples = (np.frombuffer(frames, dtype=np.uint8).astype(np.int16) - 128) * 256
    else:
        samples = np.frombuffer(frames, dtype="<i2").astype(np.int16)
    samples = samples[: len(samples) // channels * channels]
    mixed = samples.reshape(-1, channels).mean(axis=1) if channels > 1 else samples
    if rate > RATE:
        from math import gcd

        from scipy.signal import resample_poly

        divisor = gcd(rate, RATE)
        mixed = resample_poly(mixed.astype(np.float64), RATE // divisor, rate // divisor)
        rate = RATE
    clipped = np.clip(np.rint(mixed), -32768, 32767).astype("<i2")
    loud = np.flatnonzero(np.abs(clipped.astype(np.int32)) > SILENCE)
    if not len(loud):
        return b"", rate
    margin = rate * MARGIN_MS // 1000
    start, end = max(0, int(loud[0]) - margin), min(len(clipped), int(loud[-1]) + 1 + margin)
    return clipped[start:end].tobytes(), rate


def _check_size(size: int, name: str) -> None:
    if size > MAX_FILE_BYTES:
        raise PromptError(
            f"{name}: the file takes {size:,} bytes, more than the {MAX_FILE_BYTES:,} a "
            "recording may take",
            "too_big",
            name=name,
            size=size,
            maximum=MAX_FILE_BYTES,
        )


def read_sound(data: bytes, name: str) -> Sound:
    """The recording kept of the WAV file ``data``, or :class:`PromptError` naming ``name``
    and saying why (not a PCM WAV file, empty, too large or too long)."""
    _check_size(len(data), name)
    try:
        with wave.open(io.BytesIO(data)) as reader:
            width, channels, rate = (
                reader.getsampwidth(),
                reader.getnchannels(),
                reader.getframerate(),
            )
            frames = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError, ValueError) as error:
        raise PromptError(
            f"{name}: not a WAV file of PCM sound ({error})", "not_wav", name=name
        ) from None
    if width not in (1, 2) or channels not in (1, 2):
        raise PromptError(
            f"{name}: {8 * width}-bit sound on {channels} channels; a recording is 8- or "
            "16-bit PCM, mono or stereo",
            "sample_format",
            name=name,
            bits=8 * width,
            channels=channels,
        )
    if rate < MIN_RATE:
        raise PromptError(
            f"{name}: {rate} Hz is too low for speech (at least {MIN_RATE} Hz)",
            "rate_too_low",
            name=name,
            rate=rate,
            minimum=MIN_RATE,
        )
    if not frames:
        raise PromptError(f"{name}: the file holds no sound", "empty", name=name)
    pcm, kept_rate = _mono_16bit(frames, width, channels, rate)
    if not pcm:
        raise PromptError(
            f"{name}: the sound is silent (did the microphone hear anything?)", "silent", name=name
        )
    seconds = len(pcm) / (2 * kept_rate)
    if len(pcm) > MAX_AUDIO_BYTES:
        longest = MAX_AUDIO_BYTES / (2 * kept_rate)
        raise PromptError(
            f"{name}: the sound lasts {seconds:.1f} s; a prompt may last at most "
            f"{longest:.1f} s at {kept_rate} Hz ({MAX_SECONDS:.2f} s at 16 kHz), so that it "
            "travels with the sync",
            "too_long",
            name=name,
            seconds=f"{seconds:.1f}",
            longest=f"{longest:.1f}",
        )
    return Sound(wav_file(pcm, kept_rate), kept_rate, round(1000 * len(pcm) / (2 * kept_rate)))


def wav_file(pcm: bytes, rate: int) -> bytes:
    """A WAV file of mono 16-bit samples."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(pcm)
    return out.getvalue()


# --- the office's recordings ----------------------------------------------------------------


def check_language(language: str) -> str:
    """``language`` if the kiosk speaks it from recordings, else :class:`PromptError`."""
    if language not in SPOKEN_LANGUAGES:
        known = ", ".join(SPOKEN_LANGUAGES)
        raise PromptError(
            f"{language}: not a spoken language of the kiosk (known: {known})",
            "language",
            spoken=language,
            known=known,
        )
    return language


def prompt_status(context: OfficeContext, config: QueueConfig) -> dict[str, dict[str, list[str]]]:
    """For each spoken language, the prompt keys recorded and those still missing."""
    keys = prompt_keys(config)
    with context.store.session() as session:
        rows = session.execute(select(KioskPrompt.language, KioskPrompt.key)).all()
    status = {}
    for language in SPOKEN_LANGUAGES:
        recorded = {key for spoken, key in rows if spoken == language}
        status[language] = {
            "recorded": [key for key in keys if key in recorded],
            "missing": [key for key in keys if key not in recorded],
        }
    return status


def recordings(context: OfficeContext, language: str) -> dict[str, Sound]:
    """Every recording of ``language``, by prompt key."""
    with context.store.session() as session:
        rows = session.scalars(select(KioskPrompt).where(KioskPrompt.language == language))
        found = {row.key: (row.audio, row.duration_ms) for row in rows}
    sounds = {}
    for key, (audio, duration_ms) in found.items():
        wav = base64.b64decode(audio)
        with wave.open(io.BytesIO(wav)) as reader:
            rate = reader.getframerate()
        sounds[key] = Sound(wav, rate, duration_ms)
    return sounds


def save_prompts(
    context: OfficeContext, actor: Actor, language: str, sounds: Mapping[str, Sound]
) -> None:
    """Store ``sounds`` (checked) as the recordings of ``language``, replacing those of the
    same keys, in one unit of work (a supervisor's)."""
    require(actor, Permission.CHANGE_OFFICE_SETTINGS)
    check_language(language)
    with context.store.unit_of_work(actor) as uow:
        existing = {
            row.key: row
            for row in uow.session.scalars(
                select(KioskPrompt).where(
                    KioskPrompt.language == language, KioskPrompt.key.in_(list(sounds))
                )
            )
        }
        for key, sound in sounds.items():
            audio = base64.b64encode(sound.wav).decode("ascii")
            row = existing.get(key)
            if row is None:
                uow.add(
                    KioskPrompt(
                        office_id=context.office_id,
                        language=language,
                        key=key,
                        audio=audio,
                        duration_ms=sound.duration_ms,
                    )
                )
            else:
                row.audio, row.duration_ms = audio, sound.duration_ms


def delete_prompt(context: OfficeContext, actor: Actor, language: str, key: str) -> bool:
    """Delete the recording of ``key`` in ``language``; whether there was one."""
    require(actor, Permission.CHANGE_OFFICE_SETTINGS)
    with context.store.unit_of_work(actor) as uow:
        row = uow.session.scalar(
            select(KioskPrompt).where(KioskPrompt.language == language, KioskPrompt.key == key)
        )
        if row is None:
            return False
        uow.delete(row)
    return True


@dataclass(frozen=True)
class ImportReport:
    """What an import saved, and the files it left aside (not ``.wav``)."""

    saved: list[str]
    ignored: list[str]


def import_prompts(
    context: OfficeContext, actor: Actor, config: QueueConfig, language: str, folder: Path
) -> ImportReport:
    """Import the WAV files of ``folder``, each named ``<prompt key>.wav``, as the
    recordings of ``language``: all or nothing. Every file is checked first; when one is
    refused nothing is saved and :class:`ImportRefused` lists every refused file and why."""
    require(actor, Permission.CHANGE_OFFICE_SETTINGS)
    check_language(language)
    keys = prompt_keys(config)
    if not folder.is_dir():
        raise PromptError(f"{folder}: not a folder", "not_folder", folder=folder)
    files = sorted(path for path in folder.iterdir() if path.is_file())
    problems: list[PromptError] = []
    sounds: dict[str, Sound] = {}
    ignored = [path.name for path in files if path.suffix.lower() != ".wav"]
    for path in (path for path in files if path.suffix.lower() == ".wav"):
        if path.stem not in keys:
            problems.append(
                PromptError(
                    f"{path.name}: {path.stem!r} is not a prompt key",
                    "not_a_key",
                    name=path.name,
                    prompt=path.stem,
                )
            )
            continue
        try:
            _check_size(path.stat().st_size, path.name)
            sounds[path.stem] = read_sound(path.read_bytes(), path.name)
        except PromptError as error:
            problems.append(error)
    if problems:
        raise ImportRefused(problems)
    if not sounds:
        raise PromptError(
            f"{folder}: no .wav file named by a prompt key (such as welcome.wav)",
            "no_file",
            folder=folder,
        )
    save_prompts(context, actor, language, sounds)
    return ImportReport(sorted(sounds, key=keys.index), ignored)
