"""The application's one filter of input events, shared by every watcher of input.

A Python event filter on the application is called for every event of every object: some
two thousand while the three windows open, more at each repaint. The desk's and the
kiosk's idle watchers, the kiosk's corner hold and its keypad each installed their own,
which multiplied that cost. One filter now serves them all: it asks an event its type once
and calls the watchers only for keyboard, mouse and touch input.

It goes on the application when a watched window is first painted (nobody touches a
window that is not on screen yet): while the windows are built and first painted, every
event's call into Python cost the start some 60 ms.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

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

InputHandler = Callable[[QObject, QEvent], bool]
"""Called with the object an input event is for and the event; True takes the event (no
later watcher and not the object sees it)."""


class InputEvents(QObject):
    """The filter: a child of the application, on it from a watched window's first paint
    (:func:`watch_input`)."""

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._watchers: list[tuple[QObject, InputHandler]] = []
        self._first_paint = _FirstPaint(self)
        self.installed = False
        """Whether the filter is on the application (a watched window has been painted)."""

    def install(self) -> None:
        """Put the filter on the application (once), and stop waiting for a first paint."""
        if self.installed:
            return
        self.installed = True
        app = QCoreApplication.instance()
        assert app is not None
        app.installEventFilter(self)
        self._first_paint.stop_waiting()

    @property
    def owners(self) -> list[QObject]:
        """The objects whose watchers are called, the oldest first."""
        return [owner for owner, _ in self._watchers]

    def add(self, owner: QObject, handler: InputHandler) -> None:
        """Call ``handler`` on input until ``owner`` is destroyed, from the first paint of
        its window (at once for an owner in no window)."""
        self._watchers.append((owner, handler))
        owner.destroyed.connect(partial(self._forget, id(owner)))
        if self.installed:
            return
        parent = owner.parent()
        if isinstance(parent, QWidget):
            self._first_paint.wait_for(parent.window())
        else:
            self.install()

    def _forget(self, owner_id: int) -> None:
        """Drop the watchers of a destroyed owner (and the Python objects they hold)."""
        self._watchers = [entry for entry in self._watchers if id(entry[0]) != owner_id]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Hand input to the watchers, the newest first (as Qt calls filters installed one
        after the other)."""
        if event.type() not in INPUT_EVENTS:
            return False
        for owner, handler in reversed(self._watchers):
            if shiboken6.isValid(owner) and handler(watched, event):
                return True
        return False


class _FirstPaint(QObject):
    """Watches the watched windows alone until one is painted, then puts the hub on the
    application."""

    def __init__(self, hub: InputEvents) -> None:
        super().__init__(hub)
        self._hub = hub
        self._windows: list[QWidget] = []

    def wait_for(self, window: QWidget) -> None:
        """Watch ``window`` for its first paint."""
        if window not in self._windows:
            self._windows.append(window)
            window.installEventFilter(self)

    def stop_waiting(self) -> None:
        """Leave the windows."""
        for window in self._windows:
            if shiboken6.isValid(window):
                window.removeEventFilter(self)
        self._windows.clear()

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        """A watched window is painted: the hub goes on the application once the windows
        painted with it are done."""
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self._hub.install)
        return False


def watch_input(owner: QObject, handler: InputHandler) -> None:
    """Have ``handler`` see every input event of the application while ``owner`` exists
    (after the watchers added before it: a later one may take an event first)."""
    app = QCoreApplication.instance()
    assert app is not None, "watching input needs the QApplication"
    hub = app.findChild(InputEvents)
    if hub is None:
        hub = InputEvents(app)
    hub.add(owner, handler)
