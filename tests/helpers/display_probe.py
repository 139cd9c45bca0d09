"""A waiting-room display in its own process that reports what it shows, for the tests.

``python -m tests.helpers.display_probe DATA_DIR [SECONDS]`` opens the real display window
(off screen unless a display is set) on the office of DATA_DIR, with the application's own
change watcher, and prints one JSON line per event on stdout:

- ``{"ready": true}`` once the window shows its first reading;
- ``{"changed": at}`` whenever the watcher saw another process commit;
- ``{"calls": [...], "at": at}`` whenever the calls on screen changed.

``at`` is the wall-clock time (``time.time()``). It quits after SECONDS (default 60) or when
its stdin closes.
"""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication

from kiosk.office import open_office
from kiosk.paths import Paths
from ui.display import DisplayWindow
from ui.fonts import install_fonts
from ui.tasks import Tasks


def emit(value: dict[str, object]) -> None:
    """One JSON line on stdout, flushed at once."""
    print(json.dumps(value, ensure_ascii=False), flush=True)


def main(data_dir: str, seconds: float) -> int:
    """Run the display until ``seconds`` passed or stdin closed."""
    app = QApplication(sys.argv[:1])
    install_fonts(app)
    context = open_office(Paths.resolve(data_dir))
    tasks = Tasks(context.store)
    display = DisplayWindow(context, tasks)
    shown: list[list[str]] = []

    def on_calls(_: object) -> None:
        texts = [
            row.lines[code].text()
            for row in display.current_rows
            for code in ("fr", "ar")
            if row.lines[code].text()
        ]
        if not shown:
            display.announcer.preload()  # seconds with speech-dispatcher: before "ready"
            emit({"ready": True})
        if not shown or texts != shown[-1]:
            shown.append(texts)
            emit({"calls": texts, "at": time.time()})

    display.calls_shown.connect(on_calls)
    tasks.executed.connect(lambda *_: emit({"changed": time.time()}))
    display.show()
    stdin = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    stdin.activated.connect(lambda *_: sys.stdin.readline() or app.quit())
    QTimer.singleShot(int(seconds * 1000), app.quit)
    try:
        return app.exec()
    finally:
        display.close()
        tasks.shutdown()
        context.close()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    raise SystemExit(main(arguments[0], float(arguments[1]) if len(arguments) > 1 else 60.0))
