"""The Qt application: one QApplication, the bundled fonts, and the windows asked for.

``baom run --desk --kiosk --display`` ends here (through ``ui.main``). Each window module is
imported only when that window is opened, so a display-only PC starts lighter.
"""

from __future__ import annotations

import json
import signal
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QApplication, QWidget

from ui.fonts import install_fonts
from ui.tasks import Tasks

if TYPE_CHECKING:
    from kiosk.office import OfficeContext
    from kiosk.windows import WindowRequest
    from printing.worker import SpoolWorker
    from ui.sync import SyncRunner

SMOKE_TIME_LIMIT_MS = 20_000
PRINTING_WINDOWS = frozenset({"desk", "kiosk"})
SPOOL_STOP_WAIT_S = 3.0


def choose_screen(index: int | None) -> QScreen:
    """Screen ``index`` if it exists, else the primary screen (with a warning)."""
    primary = QGuiApplication.primaryScreen()
    if index is None:
        return primary
    screens = QGuiApplication.screens()
    if 0 <= index < len(screens):
        return screens[index]
    print(
        f"baom: there is no screen {index} (screens 0 to {len(screens) - 1}); "
        "using the primary screen",
        file=sys.stderr,
    )
    return primary


def place(window: QWidget, screen: QScreen, *, full_screen: bool) -> None:
    """Show ``window`` on ``screen``: full screen, or centred in its free area."""
    window.setScreen(screen)
    if full_screen:
        window.setGeometry(screen.geometry())
        window.showFullScreen()
        return
    frame = window.frameGeometry()
    frame.moveCenter(screen.availableGeometry().center())
    window.move(frame.topLeft())
    window.show()


def start_spool_worker(context: OfficeContext, tasks: Tasks | None = None) -> SpoolWorker:
    """The office's print spool worker, started: it sends what is queued (jobs left by a
    printer that was off or by an earlier run first), and looks again whenever print jobs
    change (a job submitted by this process or by another one)."""
    from printing.jobs import spool_for
    from printing.worker import SpoolWorker

    worker = SpoolWorker(spool_for(context))
    worker.start()
    if tasks is not None:
        tasks.executed.connect(
            lambda changes, _initiator: worker.wake() if changes.touches({"print_job"}) else None
        )
    return worker


class DeferredSpoolWorker:
    """The spool worker, started once the windows are up: importing python-escpos costs
    about 0.2 s, which the first paint should not wait for."""

    START_DELAY_MS = 1500

    def __init__(self, context: OfficeContext, tasks: Tasks) -> None:
        self._context = context
        self._tasks = tasks
        self._worker: SpoolWorker | None = None
        QTimer.singleShot(self.START_DELAY_MS, self.start)

    def start(self) -> None:
        """Start the worker now (once)."""
        if self._worker is None:
            self._worker = start_spool_worker(self._context, self._tasks)

    def stop(self, wait_seconds: float) -> None:
        """Stop the worker if it was started."""
        if self._worker is not None:
            self._worker.stop(wait_seconds)


def build_windows(
    request: WindowRequest,
    tasks: Tasks,
    sync: SyncRunner | None = None,
) -> dict[str, QWidget]:
    """The requested windows, by name, in the request's order (not shown yet)."""
    windows: dict[str, QWidget] = {}
    for name in request.windows:
        if name == "desk":
            from ui.desk import DeskWindow

            windows[name] = DeskWindow(
                request.context,
                tasks,
                request.demo_login,
                sync=sync,
            )
        elif name == "kiosk":
            from kiosk.queue.config import load_config
            from ui.kiosk_window import KioskWindow
            from ui.ticket_print import kiosk_printer

            printer = kiosk_printer(request.context, load_config(request.context.paths.config_dir))
            windows[name] = KioskWindow(request.context, tasks, print_ticket=printer)
        elif name == "display":
            from ui.display import DisplayWindow

            windows[name] = DisplayWindow(request.context, tasks)
        else:
            raise ValueError(f"unknown window {name!r}")
    return windows


def start_smoke_check(app: QApplication, windows: dict[str, QWidget]) -> None:
    """Print the start-up JSON line and quit once every window is painted (or fail)."""
    from ui.smoke import PaintProbe, process_age_seconds, resident_mb

    probe = PaintProbe(windows, app)
    deadline = QTimer(app, singleShot=True, interval=SMOKE_TIME_LIMIT_MS)

    def report() -> None:
        deadline.stop()
        rss = resident_mb()
        line = {
            "startup_ms": round(process_age_seconds() * 1000),
            "rss_mb": None if rss is None else round(rss, 1),
            "windows": list(windows),
        }
        print(json.dumps(line), flush=True)
        app.exit(0)

    def give_up() -> None:
        print(
            f"baom: smoke check failed: not painted within {SMOKE_TIME_LIMIT_MS // 1000} s: "
            + ", ".join(probe.unpainted),
            file=sys.stderr,
        )
        app.exit(1)

    probe.all_painted.connect(report)
    deadline.timeout.connect(give_up)
    deadline.start()


def let_windows_close(windows: dict[str, QWidget]) -> None:
    """Allow the kiosk to close: the application itself is quitting."""
    from ui.kiosk_window import KioskWindow

    for window in windows.values():
        if isinstance(window, KioskWindow):
            window.allow_close = True


def run_windows(request: WindowRequest) -> int:
    """Open the requested windows, run the event loop, return the exit code."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    install_fonts(app)
    tasks = Tasks(request.context.store)
    spool_worker = None
    if PRINTING_WINDOWS.intersection(request.windows):
        spool_worker = DeferredSpoolWorker(request.context, tasks)
    sync = None
    if "desk" in request.windows:
        from ui.sync import SyncRunner

        sync = SyncRunner(request.context, tasks)
    windows = build_windows(request, tasks, sync)
    screen = choose_screen(request.screen)
    display_alone = request.windows == ("display",)
    # Shown last means on top: the desk, if any, ends in front of a full-screen kiosk.
    for name in reversed(request.windows):
        full_screen = name == "kiosk" or (name == "display" and display_alone)
        place(windows[name], screen, full_screen=full_screen)
    if request.smoke:
        start_smoke_check(app, windows)
    elif sync is not None:
        sync.start()

    def quit_app(*_: object) -> None:
        # QGuiApplication.quit() first asks every window to close; the kiosk must agree.
        let_windows_close(windows)
        app.quit()

    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, quit_app)
    try:
        return app.exec()
    finally:
        let_windows_close(windows)
        for window in windows.values():
            window.close()
        if sync is not None:
            sync.stop()
        tasks.shutdown()
        if spool_worker is not None:
            spool_worker.stop(SPOOL_STOP_WAIT_S)
