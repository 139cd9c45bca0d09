"""Screenshots of every window in French, Arabic and Tamazight, through one office day.

``python -m tests.helpers.screenshots [FOLDER]`` (``make screenshots [SHOTS=FOLDER]``), from
the repository's root. For each language it builds a demo office in a temporary folder
(``kiosk.demo.prepare_demo``: the demo's accounts, directory and picture printer; this PC's
desk and display in that language), drives the day of ``tests/helpers/whole_day.py``, the
one ``tests/unit/ui/test_whole_day.py`` checks, and saves a PNG of the window each step
shows: the kiosk and the waiting-room display at 1920x1080, the desk at 1280x800 (the
offices' screens), the dialogs at their own size. They go to FOLDER (``screenshots/`` by
default, which git ignores) as ``LANGUAGE_NN_STEP.png``, with the demo printer's pictures
of the day (the two tickets and the slip) as ``LANGUAGE_printed_….png``.

No screen is needed: Qt draws off screen (``QT_QPA_PLATFORM=offscreen``, unless the
environment sets another platform) and each window is painted into its picture with
``QWidget.grab``, never read back from a screen. There is no X server on the machines this
was written on; under Xvfb (``QT_QPA_PLATFORM=xcb xvfb-run -a python -m
tests.helpers.screenshots``) it works the same, the windows being shown on Xvfb's screen.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from kiosk.demo import DEMO_PRINTER_FOLDER, prepare_demo
from kiosk.office import open_office
from kiosk.paths import Paths
from tests.helpers.whole_day import Day, Hands, a_visitor_from_last_month, the_day
from ui.fonts import install_fonts
from ui.styles import install_style
from ui.tasks import Tasks

LANGUAGES = ("fr", "ar", "zgh")


def shoot_the_day(root: Path, language: str, folder: Path) -> list[Path]:
    """The day in ``language`` in a demo office under ``root``; the pictures saved."""
    paths = Paths.resolve(data_dir=root / "data", config_dir=root / "config")
    prepare_demo(paths)
    context = open_office(paths)
    saved: list[Path] = []
    try:
        context.settings.set(context.system, "desk.language", language)
        a_visitor_from_last_month(context)
        tasks = Tasks(context.store)
        day = Day.open(context, tasks, Hands())
        try:
            for number, step in enumerate(the_day(day, language), start=1):
                QApplication.processEvents()  # what the last action changed, laid out
                picture = step.picture or step.window.grab().toImage()
                path = folder / f"{language}_{number:02}_{step.name}.png"
                if not picture.save(str(path)):
                    raise OSError(f"could not write {path}")
                saved.append(path)
        finally:
            day.close()
            tasks.shutdown()
        for printed in sorted((paths.data_dir / DEMO_PRINTER_FOLDER).glob("*.png")):
            kind = printed.stem.split("_")[2]  # DAY_TIME_KIND-NUMBER_ID: "ticket-B001"
            saved.append(Path(shutil.copy(printed, folder / f"{language}_printed_{kind}.png")))
    finally:
        context.close()
    return saved


def main(arguments: list[str]) -> int:
    """Take the pictures in every language into the folder given (or ``screenshots``)."""
    folder = Path(arguments[0] if arguments else "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    install_style(app)  # as ui.app.run_windows
    install_fonts(app)
    count = 0
    for language in LANGUAGES:
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix=f"baom-screenshots-{language}-") as root:
            count += len(shoot_the_day(Path(root), language, folder))
        print(f"{language}: the day in {time.monotonic() - started:.1f} s", flush=True)
    print(f"{count} pictures in {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
