"""What ``--smoke`` measures and how it knows a window was painted."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ui.smoke import PaintProbe, process_age_seconds, resident_mb


def test_the_probe_waits_for_every_window_to_be_painted(qtbot: QtBot) -> None:
    first, second = QLabel("one"), QLabel("two")
    for window in (first, second):
        qtbot.addWidget(window)
    probe = PaintProbe({"first": first, "second": second})
    first.show()
    qtbot.waitUntil(lambda: probe.unpainted == ["second"])

    with qtbot.waitSignal(probe.all_painted):
        second.show()
    assert probe.unpainted == []


def test_the_figures_are_plausible() -> None:
    assert 0 < process_age_seconds() < 24 * 3600
    rss = resident_mb()
    assert rss is not None and 10 < rss < 4000


def test_the_floor_paints_three_empty_windows_and_reports_like_the_smoke_check() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ui.startup_floor"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["windows"] == ["desk", "kiosk", "display"]
    assert 0 < figures["startup_ms"] < 60_000
    assert figures["rss_mb"] > 10
