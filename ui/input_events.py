"""The application's one filter of input events, shared by every watcher of input.

A Python event filter on the application is called for every event of every object: some
two thousand while the three windows open, more at each repaint. The desk's and the
kiosk's idle watchers, the kiosk's corner hold and its keypad each installed their own,
which multiplied that cost. One filter now serves them all: it asks an event its type once
and calls the watchers only for keyboard, mouse and touch input.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject

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
    """The filter: a child of the application, installed on it once (:func:`watch_input`)."""

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._watchers: list[tuple[QObject, InputHandler]] = []
        app.installEventFilter(self)

    @property
    def owners(self) -> list[QObject]:
        """The objects whose watchers are called, the oldest first."""
        return [owner for owner, _ in self._watchers]

    def add(self, owner: QObject, handler: InputHandler) -> None:
        """Call ``handler`` on input until ``owner`` is destroyed."""
        self._watchers.append((owner, handler))
        owner.destroyed.connect(partial(self._forget, id(owner)))

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


def watch_input(owner: QObject, handler: InputHandler) -> None:
    """Have ``handler`` see every input event of the application while ``owner`` exists
    (after the watchers added before it: a later one may take an event first)."""
    app = QCoreApplication.instance()
    assert app is not None, "watching input needs the QApplication"
    hub = app.findChild(InputEvents)
    if hub is None:
        hub = InputEvents(app)
    hub.add(owner, handler)
