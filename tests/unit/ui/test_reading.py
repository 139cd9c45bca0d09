"""The reader of the desk's pages: one read at a time, and a refresh asked meanwhile kept."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from ui.reading import Reader
from ui.tasks import Tasks


class Page(QWidget):
    """A page whose reads wait for the test, then answer or fail."""

    def __init__(self, tasks: Tasks, fail: bool) -> None:
        super().__init__()
        self.release = threading.Event()
        self.fail = fail
        self.started = 0
        self.loaded: list[int] = []
        self.failures: list[str] = []
        self.reader = Reader(self, tasks, self.work, self.loaded.append, self.on_failed)

    def work(self) -> Callable[[], int]:
        self.started += 1
        number = self.started

        def read() -> int:
            self.release.wait(5)
            if self.fail:
                raise OSError(f"read {number} failed")
            return number

        return read

    def on_failed(self, error: BaseException) -> None:
        self.failures.append(str(error))


def test_refreshes_asked_during_a_read_make_one_more_read(qtbot: QtBot, tasks: Tasks) -> None:
    page = Page(tasks, fail=False)
    qtbot.addWidget(page)
    page.reader.refresh()
    page.reader.refresh()
    page.reader.refresh()
    assert page.started == 1 and page.reader.reading
    page.release.set()
    qtbot.waitUntil(lambda: page.loaded == [1, 2])
    qtbot.waitUntil(lambda: tasks.pending == 0)
    assert page.started == 2 and not page.reader.reading


def test_a_refresh_asked_during_a_failed_read_is_not_lost(qtbot: QtBot, tasks: Tasks) -> None:
    page = Page(tasks, fail=True)
    qtbot.addWidget(page)
    page.reader.refresh()
    page.reader.refresh()  # the database changed while the first read ran
    page.release.set()
    qtbot.waitUntil(lambda: len(page.failures) == 2)
    assert page.failures == ["read 1 failed", "read 2 failed"]
    page.fail = False
    page.reader.refresh()
    qtbot.waitUntil(lambda: page.loaded == [3])


def test_the_answer_for_a_page_that_is_gone_is_dropped(qtbot: QtBot, tasks: Tasks) -> None:
    page = Page(tasks, fail=False)
    loaded = page.loaded
    page.reader.refresh()
    page.deleteLater()
    qtbot.waitUntil(lambda: not _alive(page))
    page.release.set()
    qtbot.waitUntil(lambda: tasks.pending == 0)
    assert loaded == []


def _alive(widget: QWidget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)
