"""Slow work (database, password hashing) on one worker thread, results back on the GUI thread.

Like Anki's task manager: the worker gets a plain callable, never a widget; the success or
failure callback runs on the GUI thread, through a queued Qt signal. A callback bound to a
widget that was deleted in the meantime is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)

T = TypeVar("T")


def _log_failure(error: BaseException) -> None:
    log.error("a background task failed", exc_info=error)


def _receiver_alive(callback: Callable[..., object]) -> bool:
    while isinstance(callback, partial):  # partial(widget.on_done, …) belongs to the widget
        callback = callback.func
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


class Tasks(QObject):
    """One worker thread for the database; callbacks delivered on the GUI thread.

    Signals:
        task_finished(object): a task ended; carries its future and callbacks (internal,
            emitted on the worker thread and received on the GUI thread).
    """

    task_finished = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="baom-db")
        self._pending = 0
        self._stopped = False
        self.task_finished.connect(self.on_task_finished, Qt.ConnectionType.QueuedConnection)

    @property
    def pending(self) -> int:
        """How many tasks were started and have not delivered their result yet."""
        return self._pending

    def run(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], object],
        on_failure: Callable[[BaseException], object] = _log_failure,
    ) -> None:
        """Run ``work()`` on the worker; then ``on_success(result)`` or ``on_failure(error)``.

        After :meth:`shutdown` (the application is quitting) new work is dropped.
        """
        if self._stopped:
            return
        self._pending += 1
        future = self._executor.submit(work)
        future.add_done_callback(lambda done: self._deliver(done, on_success, on_failure))

    def _deliver(self, future: Future[Any], *callbacks: Callable[..., object]) -> None:
        # Runs on the worker thread: only emit; Qt queues the call to the GUI thread.
        if shiboken6.isValid(self):
            self.task_finished.emit((future, *callbacks))

    def on_task_finished(
        self, item: tuple[Future[Any], Callable[..., object], Callable[..., object]]
    ) -> None:
        """Deliver one result on the GUI thread."""
        future, on_success, on_failure = item
        self._pending -= 1
        if future.cancelled():  # dropped by shutdown(): nobody waits for it any more
            return
        error = future.exception()
        callback = on_success if error is None else on_failure
        if not _receiver_alive(callback):
            return
        if error is None:
            on_success(future.result())
        else:
            on_failure(error)

    def shutdown(self) -> None:
        """Wait for the running task and stop the worker (at exit)."""
        self._stopped = True
        self._executor.shutdown(wait=True, cancel_futures=True)
