"""Kiosk voice benchmark: from a touch to the first sound of a recorded prompt (p95 ≤ 150 ms).

The kiosk runs off screen on the demo office with every Darija prompt recorded (short
tones), a visitor having chosen Darija. A sample is one touch (a mouse press and release
on a tile, ``QTest.mouseClick``): "back" on the priority screen, then a reason, which
change the screen and say its question from the recordings. The clock runs from the
press until the prompt player's audio sink is active, its first samples handed to the
audio output (``PromptPlayer.sound_started``). A PC without an audio output gets a
private PulseAudio null sink (``tests.helpers.pulse``); without PulseAudio the benchmark
refuses to give a figure.
"""

from __future__ import annotations

import os
import tempfile
import time

from kiosk.bench import Samples, benchmark
from kiosk.demo import prepare_demo
from kiosk.office import open_office
from kiosk.paths import Paths

TOUCHES = 100


@benchmark("kiosk_prompt_latency")
def kiosk_prompt_latency() -> Samples:
    """A touch on a kiosk tile in Darija, to the recorded prompt's first samples played."""
    from tests.helpers.pulse import null_sink

    with null_sink(), tempfile.TemporaryDirectory() as folder:
        return _measure(Paths.resolve(folder))


def _measure(paths: Paths) -> Samples:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from tests.helpers.sounds import record_every_prompt
    from ui.fonts import install_fonts
    from ui.kiosk_voice import KioskSpeaker, PromptPlayer
    from ui.kiosk_window import KioskWindow
    from ui.tasks import Tasks

    app = QApplication.instance() or QApplication([])
    install_fonts(app)
    prepare_demo(paths)
    context = open_office(paths)
    record_every_prompt(context, "ary", seconds=0.4)
    tasks = Tasks(context.store)
    player = PromptPlayer()
    if not player.available:
        raise RuntimeError(f"kiosk_prompt_latency needs an audio output: {player.problem}")
    kiosk = KioskWindow(context, tasks, idle_after_ms=3_600_000, speaker=KioskSpeaker(player))
    try:
        kiosk.show()
        darija = kiosk.language_screen.spoken_buttons["ary"]
        deadline = time.monotonic() + 10
        while not darija.isVisibleTo(kiosk) and time.monotonic() < deadline:
            app.processEvents()
        QTest.mouseClick(darija, Qt.MouseButton.LeftButton)
        kiosk.reason_screen.buttons["health"].click()  # the priority screen is made now

        def touch_and_time(tile: object) -> float:
            loop = QEventLoop()
            sounded: list[float] = []

            def heard() -> None:
                sounded.append(time.perf_counter())
                loop.quit()

            player.sound_started.connect(heard)
            QTimer.singleShot(5_000, loop.quit)  # a lost sound must not hang the suite
            started = time.perf_counter()
            QTest.mouseClick(tile, Qt.MouseButton.LeftButton)
            if not sounded:  # the sink may turn active within the touch itself
                loop.exec()
            player.sound_started.disconnect(heard)
            if not sounded:
                raise RuntimeError("a touch was followed by no sound within 5 s")
            return (sounded[0] - started) * 1000

        timings = []
        for _ in range(TOUCHES // 2):
            timings.append(touch_and_time(kiosk.priority_screen.back_button))
            timings.append(touch_and_time(kiosk.reason_screen.buttons["health"]))
        return Samples(timings, {"touches": float(len(timings))})
    finally:
        kiosk.allow_close = True
        kiosk.close()
        tasks.shutdown()
        kiosk.deleteLater()
        app.processEvents()
        context.close()
