"""The application's one input filter: every watcher of input shares it."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from kiosk.office import OfficeContext
from ui.desk import DeskWindow
from ui.input_events import InputEvents, watch_input
from ui.kiosk_window import KioskWindow
from ui.tasks import Tasks


class Seen(QObject):
    """A watcher that notes the keys it sees, and takes them when asked to."""

    def __init__(self, take: bool = False) -> None:
        super().__init__()
        self.keys: list[int] = []
        self._take = take
        watch_input(self, self.on_input)

    def on_input(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            self.keys.append(event.key())  # type: ignore[attr-defined]
            return self._take
        return False


def test_the_desk_and_the_kiosk_share_one_filter(
    qtbot: QtBot, office: OfficeContext, tasks: Tasks
) -> None:
    app = QApplication.instance()
    desk = DeskWindow(office, tasks, lock_after_ms=60_000)
    kiosk = KioskWindow(office, tasks, idle_after_ms=60_000)
    for window in (desk, kiosk):
        qtbot.addWidget(window)
    kiosk.allow_close = True
    assert len(app.findChildren(InputEvents)) == 1  # idle x2, the corner and the keypad


def test_the_newest_watcher_sees_input_first_and_may_take_it(qtbot: QtBot) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    older, newer = Seen(), Seen(take=True)
    qtbot.keyClick(field, Qt.Key.Key_A)
    assert newer.keys == [Qt.Key.Key_A] and older.keys == []
    assert field.text() == ""  # taken: the field never had it
    shiboken6.delete(newer)
    qtbot.keyClick(field, Qt.Key.Key_B)
    assert older.keys == [Qt.Key.Key_B] and field.text() == "b"
    shiboken6.delete(older)


def test_a_destroyed_watcher_is_forgotten_with_its_python_side(qtbot: QtBot) -> None:
    app = QApplication.instance()
    watcher = Seen()
    hub = app.findChild(InputEvents)
    assert watcher in hub.owners
    shiboken6.delete(watcher)
    assert all(shiboken6.isValid(owner) for owner in hub.owners)


def test_the_filter_goes_on_the_application_at_a_watched_window_s_first_paint(
    qtbot: QtBot,
) -> None:
    """While the windows are built and first painted nobody can touch them: the filter's
    call into Python for every event cost the start some 60 ms."""
    app = QApplication.instance()
    hub = InputEvents(app)  # a hub of its own: the run's is on the application already
    window = QWidget()
    qtbot.addWidget(window)
    keys: list[QEvent.Type] = []
    watcher = QObject(window)
    hub.add(watcher, lambda _watched, event: keys.append(event.type()) or False)
    assert not hub.installed
    window.show()
    qtbot.waitUntil(lambda: hub.installed)
    qtbot.keyClick(window, Qt.Key.Key_A)
    assert QEvent.Type.KeyPress in keys
    shiboken6.delete(hub)
