"""The Qt application: one QApplication, the bundled fonts, and the windows asked for.

``baom run --desk --kiosk --display`` ends here (through ``ui.main``). Each window module is
imported only when that window is opened, so a display-only PC starts lighter.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QApplication, QWidget

from ui.fonts import install_fonts
from ui.styles import install_style
from ui.tasks import Tasks, ignore_result

if TYPE_CHECKING:
    from kiosk.office import OfficeContext
    from kiosk.windows import Placement, WindowRequest
    from printing.worker import SpoolWorker
    from ui.sync import SyncRunner

log = logging.getLogger(__name__)

SMOKE_TIME_LIMIT_MS = 20_000
PRINTING_WINDOWS = frozenset({"desk", "kiosk"})
SPOOL_STOP_WAIT_S = 3.0


def side_by_side(area: QRect, minimum_widths: list[int]) -> list[QRect]:
    """Columns of ``area``, left to right, one per window: each at least its minimum width,
    with the width left over shared equally; when the minimums do not fit, the columns
    overlap evenly, each still starting right of the one before and the last ending at the
    right edge."""
    count = len(minimum_widths)
    spare = area.width() - sum(minimum_widths)
    if spare >= 0:
        widths = [width + spare // count for width in minimum_widths]
        starts = [area.x() + sum(widths[:i]) for i in range(count)]
    else:
        widths = [min(width, area.width()) for width in minimum_widths]
        step = (area.width() - widths[-1]) / max(count - 1, 1)
        starts = [area.x() + round(i * step) for i in range(count)]
    return [
        QRect(x, area.y(), width, area.height()) for x, width in zip(starts, widths, strict=True)
    ]


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


def show_windows(windows: dict[str, QWidget], placement: Placement) -> None:
    """Show each window where ``placement`` says. Shown last is on top: the desk, first in a
    request, is shown last."""
    screens = QGuiApplication.screens()
    names = list(windows)
    if placement.side_by_side:
        screen = screens[placement.screens[names[0]]]
        minimums = [windows[name].minimumSizeHint().width() for name in names]
        for name, area in zip(
            names, side_by_side(screen.availableGeometry(), minimums), strict=True
        ):
            windows[name].setScreen(screen)
            windows[name].setGeometry(area)
        for name in reversed(names):
            windows[name].show()
        return
    for name in reversed(names):
        screen = screens[placement.screens[name]]
        place(windows[name], screen, full_screen=name in placement.full_screen)


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


class DailyBackup(QObject):
    """Today's backup of the office database (``kiosk.backups.daily_backup``), taken on an
    outside I/O thread: looked at a minute after the start, then every hour. A failure is
    logged; the backups' status keeps it for ``baom backup list`` and the supervisor's home
    page."""

    FIRST_LOOK_MS = 60_000
    LOOK_EVERY_MS = 3_600_000

    def __init__(
        self,
        context: OfficeContext,
        tasks: Tasks,
        first_look_ms: int = FIRST_LOOK_MS,
        look_every_ms: int = LOOK_EVERY_MS,
    ) -> None:
        super().__init__(tasks)
        self._context = context
        self._tasks = tasks
        self._timer = QTimer(self, interval=look_every_ms)
        self._timer.timeout.connect(self.look)
        self._timer.start()
        QTimer.singleShot(first_look_ms, self, self.look)

    def stop(self) -> None:
        """Look no more (at exit)."""
        self._timer.stop()

    def look(self) -> None:
        """Take today's backup if it was not taken yet."""
        from kiosk.backups import daily_backup

        self._tasks.run_outside(
            partial(daily_backup, self._context),
            ignore_result,
            self.on_failed,
            latest="daily backup",
        )

    def on_failed(self, error: BaseException) -> None:
        """Log the failure (the status file already says it, for whoever looks)."""
        log.error("the daily backup failed", exc_info=error)


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


def placed(window: QWidget) -> dict[str, object]:
    """Where a window is: its screen's name, whether full screen, its geometry."""
    area = window.geometry()
    return {
        "screen": window.screen().name(),
        "full_screen": window.isFullScreen(),
        "geometry": [area.x(), area.y(), area.width(), area.height()],
    }


def start_smoke_check(app: QApplication, windows: dict[str, QWidget]) -> None:
    """Print the start-up JSON line (with where each window is) and quit once every window
    is painted (or fail)."""
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
            "placed": {name: placed(window) for name, window in windows.items()},
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


def place_request(request: WindowRequest) -> Placement:
    """Where the requested windows go on this PC's screens (``kiosk.windows.place_windows``:
    a ``ScreenError`` when one would share the kiosk's screen); what is off is said."""
    from kiosk.windows import place_windows

    screens = QGuiApplication.screens()
    primary = screens.index(QGuiApplication.primaryScreen())
    placement = place_windows(
        request.windows, request.screens, len(screens), primary, request.side_by_side
    )
    for warning in placement.warnings:
        print(f"baom: {warning}", file=sys.stderr)
    return placement


def run_windows(request: WindowRequest) -> int:
    """Open the requested windows, run the event loop, return the exit code.

    While they are open the office is marked as worked on (``kiosk.backups.working``): a
    restore is refused meanwhile.
    """
    from kiosk.backups import working

    with working(request.context.paths, "windows"):
        return _run_windows(request)


def _run_windows(request: WindowRequest) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    install_style(app)
    install_fonts(app)
    placement = place_request(request)
    tasks = Tasks(request.context.store)
    spool_worker = None
    if PRINTING_WINDOWS.intersection(request.windows):
        spool_worker = DeferredSpoolWorker(request.context, tasks)
    sync = None
    retention = None
    if "desk" in request.windows:
        from ui.retention import RetentionRunner
        from ui.sync import SyncRunner

        sync = SyncRunner(request.context, tasks)
        retention = RetentionRunner(request.context, tasks)
    windows = build_windows(request, tasks, sync)
    show_windows(windows, placement)
    daily_backup = None
    if request.smoke:
        start_smoke_check(app, windows)
    else:
        daily_backup = DailyBackup(request.context, tasks)
        if sync is not None:
            sync.start()
        if retention is not None:
            retention.start()

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
        if daily_backup is not None:
            daily_backup.stop()
        if retention is not None:
            retention.stop()
        tasks.shutdown()
        if spool_worker is not None:
            spool_worker.stop(SPOOL_STOP_WAIT_S)
