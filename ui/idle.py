"""Notice when nobody has touched a window for a while (desk auto-lock, kiosk back to start)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TouchEnd,
        QEvent.Type.InputMethod,
    }
)


class IdleWatcher(QObject):
    """Watches keyboard, mouse and touch input for one window, from an application filter.

    Any input event for a widget of the watched window restarts a single-shot timer; when it
    runs out, :attr:`went_idle` is emitted once. Call :meth:`start` to watch, :meth:`stop` to
    pause (a locked desk does not lock twice).

    Signals:
        went_idle(): no input reached the window for ``timeout_ms``.
    """

    went_idle = Signal()

    def __init__(self, window: QWidget, timeout_ms: int) -> None:
        super().__init__(window)
        self._window = window
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.went_idle)
        app = QApplication.instance()
        assert app is not None, "an IdleWatcher needs the QApplication"
        app.installEventFilter(self)

    @property
    def timeout_ms(self) -> int:
        """How long without input counts as idle."""
        return self._timer.interval()

    @timeout_ms.setter
    def timeout_ms(self, value: int) -> None:
        if value == self._timer.interval():
            return
        self._timer.setInterval(value)
        if self._timer.isActive():
            self._timer.start()

    @property
    def remaining_ms(self) -> int:
        """Milliseconds left before :attr:`went_idle` (-1 when not counting)."""
        return self._timer.remainingTime()

    @property
    def active(self) -> bool:
        """Whether the watcher is counting (between :meth:`start` and :meth:`stop`)."""
        return self._timer.isActive()

    def start(self) -> None:
        """Start (or restart) counting from now."""
        self._timer.start()

    def stop(self) -> None:
        """Stop counting until the next :meth:`start`."""
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Restart the count on input for the watched window or a dialog it opened; never
        consumes the event."""
        if (
            self._timer.isActive()
            and event.type() in INPUT_EVENTS
            and isinstance(watched, QWidget)
            and self._belongs(watched)
        ):
            self._timer.start()
        return False

    def _belongs(self, widget: QWidget) -> bool:
        """Whether ``widget`` is in the watched window or in a window opened from it."""
        window: QWidget | None = widget.window()
        while window is not None:
            if window is self._window:
                return True
            parent = window.parentWidget()
            window = parent.window() if parent is not None else None
        return False
