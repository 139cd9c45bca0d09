"""The kiosk without sight: a keyboard or a numeric keypad moves among the tiles of a screen.

The arrows (or 4, 6, 8, 2 of a numeric keypad) move the focus to the nearest tile in that
direction on the screen as it is drawn (in Arabic too: left is left); Enter, Space (or the
keypad's 5) chooses the focused tile; F1, the Help key, "?" (or the keypad's big "+", or
its 0) asks for the current screen's instructions. The first key pressed starts the keypad
mode (the focus shows with a thick outline); a touch user never sees a focus.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from ui.input_events import watch_input

Key = Qt.Key
DIRECTIONS: dict[Key, tuple[int, int]] = {
    Key.Key_Left: (-1, 0),
    Key.Key_Right: (1, 0),
    Key.Key_Up: (0, -1),
    Key.Key_Down: (0, 1),
}
KEYPAD_DIRECTIONS: dict[Key, tuple[int, int]] = {
    Key.Key_4: (-1, 0),
    Key.Key_6: (1, 0),
    Key.Key_8: (0, -1),
    Key.Key_2: (0, 1),
}
CHOOSE_KEYS = frozenset({Key.Key_Return, Key.Key_Enter, Key.Key_Space})
HELP_KEYS = frozenset({Key.Key_F1, Key.Key_Help, Key.Key_Question})
KEYPAD_CHOOSE = frozenset({Key.Key_5})
KEYPAD_HELP = frozenset({Key.Key_Plus, Key.Key_0})


def _centre(widget: QWidget) -> QPoint:
    return widget.mapToGlobal(widget.rect().center())


def nearest(
    current: QWidget, tiles: list[QAbstractButton], direction: tuple[int, int]
) -> QAbstractButton | None:
    """The tile nearest to ``current`` in ``direction`` (on screen), or None at the edge."""
    origin = _centre(current)
    best: tuple[float, QAbstractButton] | None = None
    for tile in tiles:
        if tile is current:
            continue
        offset = _centre(tile) - origin
        along = offset.x() * direction[0] + offset.y() * direction[1]
        across = abs(offset.x() * direction[1]) + abs(offset.y() * direction[0])
        if along <= 0:
            continue
        score = along + 2 * across  # straight ahead first, then the nearest
        if best is None or score < best[0]:
            best = (score, tile)
    return None if best is None else best[1]


class KeypadNavigator(QObject):
    """Moves the focus among ``tiles()`` (the current screen's) on the keys of ``window``.

    Signals:
        focused(object): a key moved the focus to a tile; carries it.
        chosen(object): a key chose the focused tile (the window then clicks it).
        help_requested(): a help key was pressed.
    """

    focused = Signal(object)
    chosen = Signal(object)
    help_requested = Signal()

    def __init__(self, window: QWidget, tiles: Callable[[], list[QAbstractButton]]) -> None:
        super().__init__(window)
        self._window = window
        self._tiles = tiles
        self.active = False
        """Whether a key was pressed since the last visitor (the keypad mode)."""
        watch_input(self, self.on_input)

    def set_active(self, active: bool) -> None:
        """Start or end the keypad mode: the focus outline shows only in it."""
        if active == self.active:
            return
        self.active = active
        self._window.setProperty("keypad", active)
        self._window.style().unpolish(self._window)
        self._window.style().polish(self._window)
        for button in self._window.findChildren(QAbstractButton):
            button.style().unpolish(button)
            button.style().polish(button)

    def current(self) -> QAbstractButton | None:
        """The tile that has the focus, if any."""
        focus = QApplication.focusWidget()
        return focus if isinstance(focus, QAbstractButton) and focus in self._tiles() else None

    def focus(self, tile: QAbstractButton | None) -> None:
        """Give ``tile`` the focus (none: the first tile) and say so."""
        tiles = self._tiles()
        target = tile if tile is not None else (tiles[0] if tiles else None)
        if target is None:
            return
        target.setFocus(Qt.FocusReason.TabFocusReason)
        self.focused.emit(target)

    def on_input(self, watched: QObject, event: QEvent) -> bool:
        """Take the kiosk's navigation keys; let every other event go on."""
        if (
            event.type() != QEvent.Type.KeyPress
            or not isinstance(event, QKeyEvent)
            or not isinstance(watched, QWidget)
            or watched.window() is not self._window
        ):
            return False
        return self.on_key(event)

    def on_key(self, event: QKeyEvent) -> bool:
        """Move, choose or ask for help; whether the key was taken."""
        key = Key(event.key())
        keypad = bool(event.modifiers() & Qt.KeyboardModifier.KeypadModifier)
        direction = DIRECTIONS.get(key) or (KEYPAD_DIRECTIONS.get(key) if keypad else None)
        choose = key in CHOOSE_KEYS or (keypad and key in KEYPAD_CHOOSE)
        helping = key in HELP_KEYS or (keypad and key in KEYPAD_HELP)
        if direction is None and not choose and not helping:
            return False
        current = self.current() if self.active else None  # a focus Qt gave is not the visitor's
        self.set_active(True)
        if helping:
            self.help_requested.emit()
        elif current is None:
            self.focus(None)
        elif direction is not None:
            found = nearest(current, self._tiles(), direction)
            self.focus(found or current)
        else:
            self.chosen.emit(current)
        return True
