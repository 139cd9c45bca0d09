"""Notice when nobody has touched a window for a while (desk auto-lock, kiosk back to start)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from ui.input_events import watch_input


class IdleWatcher(QTimer):
    """Watches keyboard, mouse and touch input for one window (:mod:`ui.input_events`).

    It is a single-shot timer, child of the watched window, that any input event for a widget
    of that window restarts; when it runs out, :attr:`went_idle` is emitted once. Call
    :meth:`start` to watch, :meth:`stop` to pause (a locked desk does not lock twice).

    It reads only Qt's side of itself (its timer state, its parent): the garbage collector
    may empty the Python side of a window and its watcher while Qt, destroying the window,
    still passes it input.

    Signals:
        went_idle(): no input reached the window for ``timeout_ms``.
    """

    went_idle = Signal()

    def __init__(self, window: QWidget, timeout_ms: int) -> None:
        super().__init__(window)
        self.setSingleShot(True)
        self.setInterval(timeout_ms)
        self.timeout.connect(self.went_idle)
        watch_input(self, self.on_input)

    @property
    def timeout_ms(self) -> int:
        """How long without input counts as idle."""
        return self.interval()

    @timeout_ms.setter
    def timeout_ms(self, value: int) -> None:
        if value == self.interval():
            return
        self.setInterval(value)
        if self.isActive():
            self.start()

    @property
    def remaining_ms(self) -> int:
        """Milliseconds left before :attr:`went_idle` (-1 when not counting)."""
        return self.remainingTime()

    @property
    def active(self) -> bool:
        """Whether the watcher is counting (between :meth:`start` and :meth:`stop`)."""
        return self.isActive()

    def on_input(self, watched: QObject, _event: QEvent) -> bool:
        """Restart the count on input for the watched window or a dialog it opened; never
        takes the event."""
        if self.isActive() and isinstance(watched, QWidget) and self._belongs(watched):
            self.start()
        return False

    def _belongs(self, widget: QWidget) -> bool:
        """Whether ``widget`` is in the watched window (the watcher's parent) or in a window
        opened from it."""
        watched_window = self.parent()
        window: QWidget | None = widget.window()
        while window is not None:
            if window is watched_window:
                return True
            parent = window.parentWidget()
            window = parent.window() if parent is not None else None
        return False
