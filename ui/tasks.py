"""The windows' one way to work off the GUI thread, and to learn what changed.

Like Anki's ``CollectionOp``: a window hands :meth:`Tasks.run` a plain callable (never a
widget) and says what to do on success and on failure — both required, because a
failure someone waits on must be said on screen. The callbacks run on the GUI thread; a
callback bound to a widget deleted in the meantime is dropped.

Two workers: one thread for the office database (SQLite writes one at a time anyway),
and a few threads for slow outside I/O (:meth:`Tasks.run_outside`: printers, the network,
speech), so that a printer that does not answer never holds up the queue.

What changed: every piece of database work is watched by the change marks
(``db.changes``); when it wrote something, :attr:`Tasks.executed` tells which tables, and
who asked. Twice a second the database worker also looks for what other processes (a
kiosk, the display, a ``baom`` command) or this process's background work (sync, the
print spool) wrote, and announces it the same way with no initiator. Pages follow the
tables they show with :class:`Follow`, which refreshes them when visible and marks them
stale when hidden.

``latest`` names a kind of work of which only the newest counts: kinds run one at a time,
a request made while one runs waits (replacing any older one still waiting), and the
result of one overtaken by a newer request is dropped. A list kept fresh, a search typed
key by key and a sync round each use one.
"""

from __future__ import annotations

import gc
import inspect
import itertools
import logging
import weakref
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from db.changes import ChangeMarks, Changes, Recorded

if TYPE_CHECKING:
    from db.store import Store

log = logging.getLogger(__name__)

T = TypeVar("T")
POLL_INTERVAL_MS = 500
OUTSIDE_THREADS = 3
"""Threads for outside I/O: a stuck printer, a slow network and speech each get one."""


LOOKING = "changes made elsewhere"
"""The kind of the looks for changes made by other processes (one at a time)."""


class GuiThreadGarbageCollector(QObject):
    """Python's cyclic garbage collector, run on the GUI thread only.

    Left automatic, it runs on whichever thread allocates at that moment — a worker — and
    may destroy a Qt object there, which deadlocks on Qt's locks (seen: the suite hung in a
    window test) or crashes. As Anki, pyqtgraph and Spyder do, automatic collection is
    turned off and a timer collects, generation by generation, on the GUI thread.
    """

    INTERVAL_MS = 500

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._timer = QTimer(self, interval=self.INTERVAL_MS)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    def collect(self) -> None:
        """Collect the generations whose counts passed their thresholds."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return


def collect_garbage_on_gui_thread() -> None:
    """Collect garbage on the GUI thread only, from now on (``GuiThreadGarbageCollector``)."""
    gc.disable()
    app = QCoreApplication.instance()
    if app is not None and app.findChild(GuiThreadGarbageCollector) is None:
        GuiThreadGarbageCollector(app)


def log_failure(error: BaseException) -> None:
    """For background work nobody waits on (a look at the spool, a poll): log the failure."""
    log.error("a background task failed", exc_info=error)


def _receiver_alive(callback: Callable[..., object]) -> bool:
    while isinstance(callback, partial):  # partial(widget.on_done, …) belongs to the widget
        callback = callback.func
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


@dataclass
class _Task:
    work: Callable[[], Any]
    on_success: Callable[[Any], object]
    on_failure: Callable[[BaseException], object]
    executor: ThreadPoolExecutor
    latest: str | None = None
    initiator: object = None
    watched: bool = True
    counted: bool = True  # asked for by a window (the looks for changes are not)
    changes: Changes = field(default_factory=Changes)
    result: Any = None
    error: BaseException | None = None


class Tasks(QObject):
    """The database worker, the outside I/O workers, and what changed.

    Signals:
        executed(object, object): database work wrote something; carries its
            ``db.changes.Changes`` and the initiator given to :meth:`run` (``None`` for a
            change made by another process or by background work).
        task_finished(object): internal; a task ended, carries its number (emitted on a
            worker thread, received on the GUI thread).
    """

    executed = Signal(object, object)
    task_finished = Signal(object)

    def __init__(
        self,
        store: Store,
        poll_interval_ms: int = POLL_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        collect_garbage_on_gui_thread()
        self._database = ThreadPoolExecutor(max_workers=1, thread_name_prefix="baom-db")
        self._outside = ThreadPoolExecutor(OUTSIDE_THREADS, thread_name_prefix="baom-io")
        self._marks = ChangeMarks(store)
        self._stopped = False
        self._running: set[str] = set()
        self._waiting: dict[str, _Task] = {}
        self._newest: dict[str, _Task] = {}
        self._in_flight: dict[int, _Task] = {}
        self._numbers = itertools.count()
        self.task_finished.connect(self.on_task_finished, Qt.ConnectionType.QueuedConnection)
        self._submit(
            _Task(self._marks.start, ignore_result, log_failure, self._database, watched=False)
        )
        self._poll = QTimer(self, interval=poll_interval_ms)
        self._poll.timeout.connect(self.look_for_changes)
        self._poll.start()

    @property
    def pending(self) -> int:
        """How many tasks the windows asked for have not delivered their result yet."""
        started = sum(task.counted for task in self._in_flight.values())
        return started + sum(task.counted for task in self._waiting.values())

    def run(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], object],
        on_failure: Callable[[BaseException], object],
        *,
        latest: str | None = None,
        initiator: object = None,
    ) -> None:
        """Run ``work()`` on the database worker; then ``on_success(result)`` or
        ``on_failure(error)`` on the GUI thread, and :attr:`executed` if it wrote.

        After :meth:`shutdown` (the application is quitting) new work is dropped.
        """
        self._start(_Task(work, on_success, on_failure, self._database, latest, initiator))

    def run_outside(
        self,
        work: Callable[[], T],
        on_success: Callable[[T], object],
        on_failure: Callable[[BaseException], object],
        *,
        latest: str | None = None,
    ) -> None:
        """Run slow outside I/O (a printer, the network, speech) off the database worker.

        What it writes to the database is announced at the next look for changes.
        """
        self._start(_Task(work, on_success, on_failure, self._outside, latest, watched=False))

    def look_for_changes(self) -> None:
        """Announce what other processes and background work wrote (the timer calls this).

        Not while a look is on its way: a look takes what it finds as seen, so it must never
        be dropped for a newer one (a slow worker would lose a kiosk's ticket)."""
        if LOOKING in self._running:
            return
        task = _Task(self._marks.since_last_look, self._announce, log_failure, self._database)
        task.latest, task.watched, task.counted = LOOKING, False, False
        self._start(task)

    def forget(self, latest: str) -> None:
        """Drop the result of the work of kind ``latest`` still running or waiting: whoever
        asked for it has gone (the work itself is not stopped)."""
        self._waiting.pop(latest, None)
        self._newest.pop(latest, None)

    def _announce(self, changes: Changes) -> None:
        if changes:
            self.executed.emit(changes, None)

    def _start(self, task: _Task) -> None:
        if self._stopped:
            return
        if task.latest is None:
            self._submit(task)
            return
        self._newest[task.latest] = task
        if task.latest in self._running:
            self._waiting[task.latest] = task  # replaces an older one that waited
            return
        self._running.add(task.latest)
        self._submit(task)

    def _submit(self, task: _Task) -> None:
        """Hand ``task`` to its worker by number: the task (and the widgets its callbacks
        hold) stays referenced from the GUI thread only, so that it is let go there. Let go
        on a worker, the last reference to a widget deletes it there, and Qt keeps that
        widget's running timers, which crash the event loop when they fire."""
        number = next(self._numbers)
        self._in_flight[number] = task
        task.executor.submit(self._execute, number)

    def _execute(self, number: int) -> None:
        # Runs on a worker thread; keeps no reference to the task once it is done.
        task = self._in_flight[number]
        recorded = Recorded()
        try:
            if task.watched:
                with self._marks.recording() as recorded:
                    task.result = task.work()
            else:
                task.result = task.work()
        except BaseException as error:  # handed to on_failure on the GUI thread
            task.error = error
        finally:
            task.changes = recorded.changes  # also when the work failed half-way
            del task
        if shiboken6.isValid(self):
            self.task_finished.emit(number)

    def on_task_finished(self, number: int) -> None:
        """Deliver one result on the GUI thread, announce what it wrote, start what waited."""
        task = self._in_flight.pop(number, None)
        if task is None:  # shut down meanwhile: nobody waits any more
            return
        try:
            self._hand_over(task)
        finally:
            if task.changes:
                self.executed.emit(task.changes, task.initiator)
            if task.latest is not None:
                self._running.discard(task.latest)
                waiting = self._waiting.pop(task.latest, None)
                if waiting is not None:
                    self._start(waiting)
                elif self._newest.get(task.latest) is task:
                    del self._newest[task.latest]

    def _hand_over(self, task: _Task) -> None:
        if task.latest is not None and self._newest.get(task.latest) is not task:
            return  # overtaken by a newer request of its kind
        callback = task.on_success if task.error is None else task.on_failure
        if not _receiver_alive(callback):
            return
        if task.error is None:
            task.on_success(task.result)
        else:
            task.on_failure(task.error)

    def shutdown(self) -> None:
        """Wait for the running tasks and stop the workers (at exit)."""
        self._stopped = True
        self._poll.stop()
        self._waiting.clear()
        self._outside.shutdown(wait=True, cancel_futures=True)
        self._database.shutdown(wait=True, cancel_futures=True)
        self._marks.close()
        self._in_flight.clear()  # nothing will be delivered any more


def ignore_result(_: object) -> None:
    """On success, nothing more to do (the change itself is announced by ``executed``)."""


class Follow(QObject):
    """Keeps what a widget shows fresh: ``refresh()`` when one of ``tables`` changed.

    A visible widget refreshes at once; a hidden one (a page not chosen, a locked desk)
    only marks itself stale and refreshes when it is shown again. The first read is done
    when the widget is first shown; ``every_show`` reads at every show (what it shows
    depends on the clock too). It belongs to the widget, and ends with it; the widget is a
    :class:`FollowingWidget`, which tells it when it is shown (no event filter: PySide may
    call one while the widget is being destroyed).
    """

    def __init__(
        self,
        widget: FollowingWidget,
        tasks: Tasks,
        tables: Collection[str],
        refresh: Callable[[], object],
        *,
        every_show: bool = False,
    ) -> None:
        super().__init__(widget)
        # No strong reference back to the widget (it owns this object): no cycle for the
        # garbage collector to break.
        self._widget = weakref.ref(widget)
        self._refresh = _weak(refresh)
        self._tables = frozenset(tables)
        self._every_show = every_show
        self.stale = True
        tasks.executed.connect(self.on_executed)
        if widget.isVisible():
            self.changed()

    def on_executed(self, changes: Changes, _initiator: object) -> None:
        """Some work wrote: refresh if it wrote what the widget shows."""
        if changes.touches(self._tables):
            self.changed()

    def changed(self) -> None:
        """What the widget shows changed: read it again now, or when next shown."""
        widget = self._widget()
        if widget is not None and widget.isVisible():
            self.stale = False
            self._read()
        else:
            self.stale = True

    def shown(self) -> None:
        """The widget was shown: read again if something changed while it was hidden."""
        if self.stale or self._every_show:
            self.stale = False
            self._read()

    def _read(self) -> None:
        refresh = self._refresh()
        if refresh is not None:
            refresh()


def _weak(function: Callable[[], object]) -> Callable[[], Callable[[], object] | None]:
    """A weak reference to a bound method (strong to any other callable)."""
    if inspect.ismethod(function):
        return weakref.WeakMethod(function)
    return lambda: function


class FollowingWidget(QWidget):
    """A widget whose data a :class:`Follow` keeps fresh (``self.follow``, made in its
    ``__init__``): it tells the Follow when it is shown."""

    follow: Follow

    def showEvent(self, event: QShowEvent) -> None:
        """Shown: the Follow reads again if it must."""
        super().showEvent(event)
        self.follow.shown()
