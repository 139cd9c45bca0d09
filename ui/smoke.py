"""``--smoke``: tell when every window has really been painted, and what start-up cost.

The start-up time counts from the start of the process (Linux ``/proc/self/stat``), so it
includes the interpreter and every import; elsewhere it counts from the first import of
this module. The memory is the resident set size.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

_IMPORTED_AT = time.perf_counter()


def process_age_seconds() -> float:
    """Seconds since this process started."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            # Field 22 (after the parenthesised command name) is the start time in clock ticks
            # since boot, on the same clock as CLOCK_BOOTTIME.
            fields = stat.read().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")
        return time.clock_gettime(time.CLOCK_BOOTTIME) - started
    except (OSError, IndexError, ValueError, AttributeError):
        return time.perf_counter() - _IMPORTED_AT


def resident_mb() -> float | None:
    """The resident memory of this process in MB (None where it cannot be read)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class PaintProbe(QObject):
    """Waits for the first paint event of each window.

    A window counts as painted once it received a paint event and the event loop came back
    (so the frame was flushed to the screen).

    Signals:
        all_painted(): every watched window has been painted once.
    """

    all_painted = Signal()

    def __init__(self, windows: Mapping[str, QWidget], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._waiting = dict(windows)
        for window in windows.values():
            window.installEventFilter(self)

    @property
    def unpainted(self) -> list[str]:
        """The windows not painted yet."""
        return list(self._waiting)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Tick off a window at its first paint event."""
        if event.type() == QEvent.Type.Paint:
            for name, window in list(self._waiting.items()):
                if window is watched:
                    del self._waiting[name]
                    window.removeEventFilter(self)
                    if not self._waiting:
                        QTimer.singleShot(0, self.all_painted.emit)
        return False
