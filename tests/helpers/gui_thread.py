"""Catches the windows using the database on the GUI thread, outside start-up.

Every connection taken from a pool (``checkout``, which any session, unit of work or
engine connection does) is looked at: on the main thread, with code of ``ui/`` on the
stack, it is a fault unless a window is being built at start-up (the few reads a window
needs before its first paint). Tests themselves may use the database on the main thread
(to arrange what the windows then show): only ``ui/`` code is held to the rule.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from sqlalchemy import event
from sqlalchemy.pool import Pool

UI = str(Path(__file__).resolve().parents[2] / "ui") + "/"
START_UP = frozenset(
    {
        "run_windows",
        "build_windows",
        "DeskWindow.__init__",
        "KioskWindow.__init__",
        "DisplayWindow.__init__",
    }
)
"""Where the windows may read the database on the GUI thread: while being built."""


def gui_thread_fault(frame: FrameType | None) -> str | None:
    """The ``ui/`` function that uses the database from ``frame``'s stack on the main
    thread outside start-up, or None when all is well."""
    if threading.current_thread() is not threading.main_thread():
        return None
    culprit = None
    while frame is not None:
        code = frame.f_code
        if code.co_qualname in START_UP and code.co_filename.startswith(UI):
            return None
        if culprit is None and code.co_filename.startswith(UI):
            culprit = f"{Path(code.co_filename).name}: {code.co_qualname}"
        frame = frame.f_back
    return culprit


@contextmanager
def watching_the_gui_thread() -> Iterator[list[str]]:
    """Collect the faults (see the module) committed inside the block."""
    faults: list[str] = []

    def on_checkout(*_: Any) -> None:
        fault = gui_thread_fault(sys._getframe(1))
        if fault is not None:
            faults.append(fault)

    event.listen(Pool, "checkout", on_checkout)
    try:
        yield faults
    finally:
        event.remove(Pool, "checkout", on_checkout)
