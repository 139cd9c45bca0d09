"""One read at a time on the worker, and no change missed: how a page keeps its lists fresh.

A page asks for a refresh whenever the database changes, a day is chosen or an action
ends. Reads must not race (an older answer could land after a newer one), and none may be
lost: a refresh asked while a read runs is remembered and done once that read has ended,
whether it succeeded or failed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from ui.tasks import Tasks


class Reader(QObject):
    """Runs a page's read on the worker, one at a time.

    ``work()`` is called on the GUI thread and returns the callable to run on the worker
    (so that it captures what the page shows now: the day chosen, the queue of today). The
    reader is a child of ``page``: the answer of a read that ends after the page is gone
    is dropped (``Tasks`` checks the receiver).
    """

    def __init__(
        self,
        page: QObject,
        tasks: Tasks,
        work: Callable[[], Callable[[], Any]],
        on_loaded: Callable[[Any], object],
        on_failed: Callable[[BaseException], object],
    ) -> None:
        super().__init__(page)
        self._tasks = tasks
        self._work = work
        self._on_loaded = on_loaded
        self._on_failed = on_failed
        self._reading = False
        self._read_again = False

    @property
    def reading(self) -> bool:
        """Whether a read is running."""
        return self._reading

    def refresh(self) -> None:
        """Read now, or once the running read has ended."""
        if self._reading:
            self._read_again = True
            return
        self._reading = True
        self._tasks.run(self._work(), self.on_loaded, self.on_failed)

    def on_loaded(self, value: Any) -> None:
        """Hand the answer to the page; read again if that was asked meanwhile."""
        self._reading = False
        self._on_loaded(value)
        self._again_if_asked()

    def on_failed(self, error: BaseException) -> None:
        """Hand the failure to the page; read again if that was asked meanwhile."""
        self._reading = False
        self._on_failed(error)
        self._again_if_asked()

    def _again_if_asked(self) -> None:
        if self._read_again:
            self._read_again = False
            self.refresh()
