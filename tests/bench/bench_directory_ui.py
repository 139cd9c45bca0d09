"""Desk directory benchmark: from a keystroke in the search box to the results painted.

The desk window runs off screen (``QT_QPA_PLATFORM=offscreen`` unless set), logged in, on
its Directory page. Words in French and Arabic are typed one key at a time; for each key
the clock runs from the key press sent to the search box until the results of that text
have arrived from the worker and the whole page has been painted again. Each key is
measured alone (the previous results are on screen before the next key), so a sample is
the latency an officer sees, not a throughput.

Samples come from the demo directory; the same words typed on a synthetic directory of
``SYNTHETIC`` services (generated as ``bench_directory`` generates its 50,000) give the
``synthetic_*`` figures.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
import time
from pathlib import Path

from kiosk.bench import Samples, benchmark
from kiosk.demo import DEMO_ACCOUNTS, prepare_demo
from kiosk.office import open_office
from kiosk.paths import Paths

WORDS = (
    "centre de santé",
    "hôpital",
    "état civil",
    "anapec",
    "consulat",
    "aide juridique",
    "مستشفى",
    "الحالة المدنية",
    "المركز الصحي",
    "القنصلية",
    "الضمان الاجتماعي",
    "tiznit",
    "inscription scolaire",
)
ROUNDS = 2
SYNTHETIC = 50_000


def _type_and_time(app: object, desk: object, page: object, words: tuple[str, ...]) -> list[float]:
    """Type ``words`` key by key into the page's search box; milliseconds per key."""
    from PySide6.QtCore import QEvent, QEventLoop, Qt, QTimer
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    timings: list[float] = []

    def settle() -> None:
        loop = QEventLoop()
        page.results_shown.connect(loop.quit)
        QTimer.singleShot(10_000, loop.quit)  # a lost result must not hang the suite
        loop.exec()
        page.results_shown.disconnect(loop.quit)

    for word in words:
        page.search_edit.clear()
        settle()
        for character in word:
            loop = QEventLoop()
            page.results_shown.connect(loop.quit)
            started = time.perf_counter()
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                # a key with its text, as a keyboard layout sends it (QTest's ASCII-only
                # key names cannot type Arabic)
                key = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, character)
                QApplication.sendEvent(page.search_edit, key)
            if page.searching:
                loop.exec()
            page.repaint()  # the list, the count and the box, painted now
            timings.append((time.perf_counter() - started) * 1000)
            page.results_shown.disconnect(loop.quit)
            assert page.search_edit.text().endswith(character)
    return timings


def _measure(folder: Path, rounds: int) -> list[float]:
    """Open the desk on the office in ``folder``, go to the directory, type the words."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ui.desk import DeskWindow
    from ui.desk_directory import DirectoryPage
    from ui.fonts import install_fonts
    from ui.tasks import Tasks

    app = QApplication.instance() or QApplication([])
    install_fonts(app)
    context = open_office(Paths.resolve(folder))
    tasks = Tasks(context.store)
    desk = DeskWindow(context, tasks, lock_after_ms=3_600_000)
    try:
        desk.resize(1280, 800)
        desk.show()
        name, password, _ = DEMO_ACCOUNTS[0]
        actor, _ = context.accounts.login(name, password)
        desk.on_logged_in(actor, "fr")
        assert desk.main_page is not None
        desk.main_page.show_section("directory")
        page = desk.main_page.pages.currentWidget()
        assert isinstance(page, DirectoryPage)
        app.processEvents()
        _type_and_time(app, desk, page, WORDS[:2])  # warm up caches and the font engine
        return [ms for _ in range(rounds) for ms in _type_and_time(app, desk, page, WORDS)]
    finally:
        desk.close()
        tasks.shutdown()
        desk.deleteLater()
        app.processEvents()
        context.close()


def _synthetic_office() -> Path:
    """The office of ``bench_directory`` with its synthetic directory (built once)."""
    path = Path(__file__).with_name("bench_directory.py")
    spec = importlib.util.spec_from_file_location("baom_bench_directory_for_ui", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.SERVICES == SYNTHETIC
    data_dir, _ = module._directory()
    return Path(data_dir)


def _figures(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return ordered[len(ordered) // 2], ordered[int(len(ordered) * 0.95)]


@benchmark("directory_keystroke")
def directory_keystroke() -> Samples:
    """A key typed in the desk's directory search, to the results painted (demo directory;
    the ``synthetic_*`` figures on 50,000 services)."""
    with tempfile.TemporaryDirectory() as folder:
        prepare_demo(Paths.resolve(folder))
        demo = _measure(Path(folder), ROUNDS)
    synthetic = _measure(_synthetic_office(), 1)
    median, p95 = _figures(synthetic)
    return Samples(
        demo,
        {"synthetic_services": SYNTHETIC, "synthetic_median_ms": median, "synthetic_p95_ms": p95},
    )
