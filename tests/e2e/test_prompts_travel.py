"""The kiosk's recorded prompts travel with the sync: a second PC of the office has them.

A real server process (SQLite): the first PC imports Darija recordings and syncs; a second
PC joins (an add-machine code and the recovery words) and lists them recorded; a prompt
recorded again on the first PC reaches the second at its next round. The region holds the
sound only sealed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.office import open_office
from kiosk.paths import Paths
from kiosk.prompts import recordings
from tests.e2e.test_second_pc import _first_pc, _join, _sync
from tests.helpers import regional
from tests.helpers.sounds import tone_wav
from tests.helpers.sync_office import baom, baom_json

pytestmark = pytest.mark.slow


def test_the_prompts_recorded_on_one_pc_reach_the_other(tmp_path: Path) -> None:
    wavs = tmp_path / "darija"
    wavs.mkdir()
    for key in ("welcome", "number.42"):
        (wavs / f"{key}.wav").write_bytes(tone_wav(0.5))
    with regional.running_server(tmp_path / "regional") as server:
        first, second = tmp_path / "counter-1", tmp_path / "counter-2"
        office_id, recovery_key = _first_pc(first, server)
        baom(first, "kiosk", "prompts", "import", "ary", str(wavs))
        _sync(first)

        _join(second, server, office_id, recovery_key)
        status = baom_json(second, "kiosk", "prompts", "--json")
        assert status["ary"]["recorded"] == ["welcome", "number.42"]

        (wavs / "number.42.wav").unlink()
        (wavs / "welcome.wav").write_bytes(tone_wav(1.5))  # recorded again
        (wavs / "back.wav").write_bytes(tone_wav(0.5))
        baom(first, "kiosk", "prompts", "import", "ary", str(wavs))
        _sync(first)
        _sync(second)
        status = baom_json(second, "kiosk", "prompts", "--json")
        assert status["ary"]["recorded"] == ["welcome", "back", "number.42"]
        assert status["shi"]["recorded"] == []
        context = open_office(Paths.resolve(second))
        try:
            assert recordings(context, "ary")["welcome"].duration_ms == 1500  # the new one
        finally:
            context.close()
