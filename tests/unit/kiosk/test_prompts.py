"""The kiosk's prompts recorded in Darija and Tachelhit: keys, composition, bounds, import."""

from __future__ import annotations

import io
import json
import uuid
import wave
from pathlib import Path

import pytest

from db.models import OutboxEnvelope
from kiosk.accounts import PermissionDenied
from kiosk.i18n import default_catalog
from kiosk.office import OfficeContext
from kiosk.prompts import (
    MAX_AUDIO_BYTES,
    MAX_FILE_BYTES,
    ImportRefused,
    PromptError,
    call_words,
    delete_prompt,
    import_prompts,
    prompt_keys,
    prompt_status,
    read_sound,
    recordings,
    ticket_words,
    wav_file,
)
from kiosk.queue.config import QueueConfig, load_config
from protocol import wire
from tests.helpers.sounds import record_every_prompt, tone_wav


@pytest.fixture
def config(office: OfficeContext) -> QueueConfig:
    return load_config(office.paths.config_dir)


def test_the_keys_come_from_the_fixed_prompts_the_reasons_the_numbers_and_the_counters(
    config: QueueConfig,
) -> None:
    keys = prompt_keys(config)
    assert keys[:3] == ("welcome", "help", "choose_reason")
    assert "reason.health" in keys and "priority.pregnant" in keys
    assert {f"number.{n}" for n in range(100)} <= set(keys)
    assert {"counter.1", "counter.2"} <= set(keys) and "counter.3" not in keys
    assert {"letter.a", "letter.z"} <= set(keys)
    assert len(keys) == len(set(keys))


def test_a_ticket_and_a_call_are_composed_from_recorded_pieces() -> None:
    assert call_words("C042", 3) == ["number", "letter.c", "number.42", "counter.3"]
    assert ticket_words("A014", 3) == [
        "your_number_is",
        "letter.a",
        "number.14",
        "people_before",
        "number.3",
        "please_wait",
    ]
    # Past 99 a number is said digit by digit; nobody before you is "0".
    assert ticket_words("B142", 0)[1:5] == ["letter.b", "number.1", "number.4", "number.2"]
    assert ticket_words("B142", 0)[-2] == "number.0"


def test_a_stereo_44khz_file_is_kept_mono_at_16khz_and_an_8bit_one_as_16bit() -> None:
    sound = read_sound(tone_wav(1.0, rate=44_100, channels=2), "welcome.wav")
    with wave.open(io.BytesIO(sound.wav)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (
            1,
            2,
            16_000,
        )
        assert abs(reader.getnframes() - 16_000) <= 1
    assert sound.duration_ms == 1000
    eight_bit = read_sound(tone_wav(0.5, rate=8_000, width=1), "back.wav")
    assert eight_bit.rate == 8_000 and len(eight_bit.pcm) == 8_000


def test_the_silence_at_either_end_is_trimmed_and_a_silent_file_refused() -> None:
    silence = tone_wav(1.0, pitch=0.0)
    padded = wave_of(silence, tone_wav(0.5), silence)
    sound = read_sound(padded, "welcome.wav")
    assert 500 <= sound.duration_ms <= 500 + 2 * 40  # the tone and two margins of 40 ms
    with pytest.raises(PromptError, match=r"welcome\.wav: the sound is silent"):
        read_sound(silence, "welcome.wav")


def wave_of(*files: bytes) -> bytes:
    """WAV files of one format, one after the other."""
    frames = b""
    for data in files:
        with wave.open(io.BytesIO(data)) as reader:
            frames += reader.readframes(reader.getnframes())
    return wav_file(frames, 16_000)


@pytest.mark.parametrize(
    ("data", "says", "in_french"),
    [
        (b"RIFF not really", "back.wav: not a WAV file of PCM sound", "n'est pas un fichier WAV"),
        (tone_wav(0.0), "back.wav: the file holds no sound", "ne contient aucun son"),
        (tone_wav(0.2, rate=4_000), "back.wav: 4000 Hz is too low for speech", "4000 Hz"),
        (
            tone_wav(7.0),
            "back.wav: the sound lasts 7.0 s; a prompt may last at most 6.2 s",
            "le son dure 7.0 s ; une annonce dure au plus 6.2 s",
        ),
        (
            b"\0" * (MAX_FILE_BYTES + 1),
            "more than the 1,000,000 a recording may take",
            "1000001 octets, plus que les 1000000",
        ),
        (tone_wav(0.2, width=3), "24-bit sound on 1 channels", "son de 24 bits sur 1 canaux"),
    ],
)
def test_a_file_that_is_not_a_short_pcm_wav_is_refused_saying_why(
    data: bytes, says: str, in_french: str
) -> None:
    with pytest.raises(PromptError) as refused:
        read_sound(data, "back.wav")
    assert says in str(refused.value)  # the command line's words
    said = default_catalog().text("fr", refused.value.message_key, **refused.value.params)
    assert said.startswith("back.wav : ") and in_french in said  # the desk's


def test_an_import_saves_every_file_or_none_and_says_which_file_and_why(
    office: OfficeContext, config: QueueConfig, tmp_path: Path
) -> None:
    (tmp_path / "welcome.wav").write_bytes(tone_wav(1.0))
    (tmp_path / "number.42.wav").write_bytes(tone_wav(0.5, rate=48_000))
    (tmp_path / "hello.wav").write_bytes(tone_wav(0.5))
    (tmp_path / "back.wav").write_bytes(b"not a sound")
    with pytest.raises(PromptError) as refused:
        import_prompts(office, office.system, config, "ary", tmp_path)
    message = str(refused.value)
    assert message.startswith("nothing was imported; 2 file(s) refused")
    assert isinstance(refused.value, ImportRefused)
    assert refused.value.message_key == "error.prompts.nothing_imported"
    assert [each.message_key for each in refused.value.refused] == [
        "error.prompts.not_wav",
        "error.prompts.not_a_key",
    ]
    assert "hello.wav: 'hello' is not a prompt key" in message
    assert "back.wav: not a WAV file of PCM sound" in message
    assert prompt_status(office, config)["ary"]["recorded"] == []

    (tmp_path / "hello.wav").unlink()
    (tmp_path / "back.wav").write_bytes(tone_wav(0.4))
    (tmp_path / "notes.txt").write_text("recorded by Fatima")
    report = import_prompts(office, office.system, config, "ary", tmp_path)
    assert report.saved == ["welcome", "back", "number.42"]
    assert report.ignored == ["notes.txt"]
    status = prompt_status(office, config)
    assert status["ary"]["recorded"] == ["welcome", "back", "number.42"]
    assert "welcome" not in status["ary"]["missing"] and "welcome" in status["shi"]["missing"]
    assert recordings(office, "ary")["number.42"].rate == 16_000


def test_an_unknown_language_is_refused(
    office: OfficeContext, config: QueueConfig, tmp_path: Path
) -> None:
    with pytest.raises(PromptError, match="tzm: not a spoken language of the kiosk"):
        import_prompts(office, office.system, config, "tzm", tmp_path)


def test_only_a_supervisor_records_and_a_recording_is_deleted(
    office: OfficeContext, config: QueueConfig, tmp_path: Path
) -> None:
    (tmp_path / "welcome.wav").write_bytes(tone_wav(0.3))
    officer, _ = office.accounts.login("amina", "demo-password")
    with pytest.raises(PermissionDenied):
        import_prompts(office, officer, config, "shi", tmp_path)
    import_prompts(office, office.system, config, "shi", tmp_path)
    assert delete_prompt(office, office.system, "shi", "welcome") is True
    assert delete_prompt(office, office.system, "shi", "welcome") is False
    assert prompt_status(office, config)["shi"]["recorded"] == []


def test_the_longest_recording_travels_in_one_envelope_its_sound_sealed(
    office: OfficeContext, config: QueueConfig, tmp_path: Path
) -> None:
    longest = MAX_AUDIO_BYTES / 32_000 - 0.01
    (tmp_path / "welcome.wav").write_bytes(tone_wav(longest, rate=16_000))
    import_prompts(office, office.system, config, "ary", tmp_path)
    with office.store.session() as session:
        envelope = session.query(OutboxEnvelope).filter_by(entity_type="kiosk_prompt").one()
        envelope_data = {
            "id": envelope.id,
            "entity_type": envelope.entity_type,
            "entity_id": envelope.entity_id,
            "operation": "upsert",
            "base_version": envelope.base_version,
            "version": envelope.version,
            "content_hash": envelope.content_hash,
            "payload": envelope.payload,
            "sealed": envelope.sealed,
            "created_at": envelope.created_at,
        }
    wire.Envelope.model_validate(envelope_data)  # within the sealed copy's bound
    clear = json.loads(envelope_data["payload"])
    assert clear["language"] == "ary" and clear["key"] == "welcome" and "audio" not in clear
    assert uuid.UUID(clear["id"]) == envelope_data["entity_id"]


def test_every_prompt_recorded_leaves_nothing_missing(
    office: OfficeContext, config: QueueConfig
) -> None:
    record_every_prompt(office, "ary")
    status = prompt_status(office, config)
    assert status["ary"]["missing"] == [] and len(status["ary"]["recorded"]) == len(
        prompt_keys(config)
    )
