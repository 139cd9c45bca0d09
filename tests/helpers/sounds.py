"""WAV files made in the tests (the ``wave`` module): a tone stands in for a recorded prompt."""

from __future__ import annotations

import io
import math
import struct
import wave

from kiosk.office import OfficeContext
from kiosk.prompts import Sound, prompt_keys, read_sound, save_prompts
from kiosk.queue.config import load_config


def tone_wav(
    seconds: float = 0.3,
    rate: int = 16_000,
    channels: int = 1,
    width: int = 2,
    pitch: float = 440.0,
) -> bytes:
    """A WAV file of a sine tone (``width`` 1: 8-bit unsigned, 2: 16-bit signed)."""
    frames = bytearray()
    for index in range(round(seconds * rate)):
        value = math.sin(2 * math.pi * pitch * index / rate) * 0.5
        sample = (
            struct.pack("<h", round(value * 32767))
            if width == 2
            else bytes([128 + round(value * 127)])
        )
        frames += sample * channels
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(bytes(frames))
    return out.getvalue()


def record_every_prompt(office: OfficeContext, language: str, seconds: float = 0.05) -> None:
    """Every prompt of ``language`` recorded (short tones), as a supervisor would."""
    sound: Sound = read_sound(tone_wav(seconds), "tone.wav")
    keys = prompt_keys(load_config(office.paths.config_dir))
    save_prompts(office, office.system, language, dict.fromkeys(keys, sound))
