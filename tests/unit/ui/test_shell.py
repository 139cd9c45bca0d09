"""The pieces under the windows: language state, worker, idle watcher, fonts."""

from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from kiosk.i18n import default_catalog
from kiosk.office import OfficeContext
from ui.fonts import FAMILIES
from ui.idle import IdleWatcher
from ui.language import LanguageState
from ui.tasks import Tasks


def test_the_bundled_fonts_are_the_application_font(qapp: QApplication) -> None:
    assert set(FAMILIES) <= set(QFontDatabase.families())
    assert qapp.font().families()[:3] == FAMILIES


def test_a_language_state_switches_texts_and_direction(qtbot: QtBot) -> None:
    state = LanguageState(default_catalog(), "fr")
    assert state.translator("desk.lock") == "Verrouiller"
    assert state.direction == Qt.LayoutDirection.LeftToRight

    with qtbot.waitSignal(state.language_changed) as blocker:
        state.set_language("ar")
    assert blocker.args == ["ar"]
    assert state.translator("desk.lock") == "قفل"
    assert state.direction == Qt.LayoutDirection.RightToLeft

    with qtbot.assertNotEmitted(state.language_changed):
        state.set_language("ar")


def test_an_unknown_language_falls_back_to_french() -> None:
    assert LanguageState(default_catalog(), "xx").code == "fr"


def test_work_runs_off_the_gui_thread_and_results_come_back_on_it(
    qtbot: QtBot, tasks: Tasks
) -> None:
    results: list[tuple[str, str]] = []

    def work() -> str:
        return threading.current_thread().name

    tasks.run(
        work,
        lambda name: results.append((name, threading.current_thread().name)),
        pytest.fail,
    )
    qtbot.waitUntil(lambda: bool(results))
    worker, receiver = results[0]
    assert worker.startswith("baom-db")
    assert receiver == threading.main_thread().name
    assert tasks.pending == 0


def test_a_failure_reaches_the_failure_callback(qtbot: QtBot, tasks: Tasks) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        raise ValueError("broken")

    tasks.run(work, lambda _: pytest.fail("no success expected"), errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert str(errors[0]) == "broken"


def test_a_result_for_a_deleted_widget_is_dropped(qtbot: QtBot, tasks: Tasks) -> None:
    gate = threading.Event()
    widget = QLineEdit()
    tasks.run(lambda: (gate.wait(5), "late")[1], widget.setText, pytest.fail)
    widget.deleteLater()
    qtbot.waitUntil(lambda: not _alive(widget))
    gate.set()
    qtbot.waitUntil(lambda: tasks.pending == 0)


def _alive(widget: QWidget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)


def test_work_asked_for_while_quitting_is_dropped(
    qapp: QApplication, office: OfficeContext
) -> None:
    tasks = Tasks(office.store)
    tasks.shutdown()
    called: list[object] = []
    tasks.run(lambda: 1, called.append, called.append)  # a late refresh after shutdown
    assert called == [] and tasks.pending == 0


def test_input_for_another_window_does_not_count(qtbot: QtBot) -> None:
    watched, other = QLineEdit(), QLineEdit()
    for widget in (watched, other):
        qtbot.addWidget(widget)
        widget.show()
    idle = IdleWatcher(watched, 2000)
    idle.start()
    qtbot.waitUntil(lambda: idle.remaining_ms < 1800)

    qtbot.keyClick(other, Qt.Key.Key_A)
    assert idle.remaining_ms < 1800

    qtbot.keyClick(watched, Qt.Key.Key_A)
    assert idle.remaining_ms > 1800


def test_a_stopped_watcher_never_fires(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    idle = IdleWatcher(window, 10)
    idle.start()
    idle.stop()
    assert not idle.active
    with qtbot.assertNotEmitted(idle.went_idle, wait=100):
        pass


def test_a_watcher_collected_with_its_window_never_fails_on_an_event(qtbot: QtBot) -> None:
    """The garbage collector may empty the watcher's Python side while Qt, destroying the
    window, still passes it events (seen in the suite: AttributeError in eventFilter)."""
    window = QWidget()
    window.idle = IdleWatcher(window, 60_000)  # type: ignore[attr-defined]  # a cycle, as in the windows
    window.idle.start()  # type: ignore[attr-defined]
    window.show()
    del window
    gc.collect()
    other = QLineEdit()
    qtbot.addWidget(other)
    other.show()
    qtbot.keyClick(other, Qt.Key.Key_A)
    assert other.text() == "a"
