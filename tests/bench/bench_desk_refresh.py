"""Desk refresh benchmark: the database work the desk does after one "call next".

The desk runs off screen (``QT_QPA_PLATFORM=offscreen`` unless set), logged in as a
supervisor so that every page is built, on its Queue page, as ``baom run --desk`` wires it
(the worker and the look for changes twice a second). For each sample the officer presses
"Call next"; from the press until ``SETTLE_S`` later (three looks for changes), every SQL
statement any connection of the process runs is counted (triggers' inner statements
excepted) and the time the statements of the pooled connections took is summed: the
milliseconds are database time, not the wall clock.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from typing import Any

from sqlalchemy import event

from kiosk.bench import Samples, benchmark
from kiosk.demo import DEMO_ACCOUNTS, prepare_demo
from kiosk.office import open_office
from kiosk.paths import Paths
from kiosk.queue.service import QueueService, TicketRequest

CALLS = 12
SETTLE_S = 1.5


class _Counter:
    """Counts the statements of every connection and times those of the pool."""

    def __init__(self) -> None:
        self.queries = 0
        self.seconds = 0.0
        self._lock = threading.Lock()
        self._started: dict[int, float] = {}

    def traced(self, statement: str) -> None:
        if not statement.lstrip().startswith("--"):  # a trigger's own statements
            with self._lock:
                self.queries += 1

    def on_connect(self, dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_trace_callback(self.traced)

    def before(self, *_: Any) -> None:
        self._started[threading.get_ident()] = time.perf_counter()

    def after(self, *_: Any) -> None:
        started = self._started.pop(threading.get_ident(), None)
        if started is not None:
            with self._lock:
                self.seconds += time.perf_counter() - started

    def reset(self) -> None:
        with self._lock:
            self.queries, self.seconds = 0, 0.0


def _wait(app: Any, seconds: float) -> None:
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.005)


@benchmark("desk_refresh")
def desk_refresh() -> Samples:
    """One "call next" on a desk with every page built: its database time (ms) and the
    statements it causes (``queries``)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from ui.desk import DeskWindow
    from ui.fonts import install_fonts
    from ui.tasks import Tasks

    app = QApplication.instance() or QApplication([])
    install_fonts(app)
    with tempfile.TemporaryDirectory() as folder:
        paths = Paths.resolve(folder)
        prepare_demo(paths)
        counter = _Counter()
        context = open_office(paths)
        event.listen(context.store.engine.pool, "connect", counter.on_connect)
        event.listen(context.store.engine, "before_cursor_execute", counter.before)
        event.listen(context.store.engine, "after_cursor_execute", counter.after)
        context.store.engine.dispose()  # every connection from now on is traced
        queue = QueueService.for_office(context)
        for _ in range(CALLS + 5):
            queue.take(context.system, TicketRequest(reason="pensions_social_security"))
        context.settings.set(context.system, "desk.counter", "1")
        tasks = Tasks(context.store)
        desk = DeskWindow(context, tasks, lock_after_ms=3_600_000)
        timings, queries = [], []
        try:
            desk.resize(1280, 800)
            desk.show()
            name, password, _ = DEMO_ACCOUNTS[1]  # the supervisor sees every page
            actor, _ = context.accounts.login(name, password)
            desk.on_logged_in(actor, "fr")
            assert desk.main_page is not None
            for section in reversed(desk.main_page.sections):  # every page shown once
                desk.main_page.show_section(section)
                _wait(app, 0.3)
            page: Any = desk.main_page.section_pages["queue"]
            for _ in range(CALLS):
                _wait(app, SETTLE_S)
                counter.reset()
                page.on_command("call_next")
                _wait(app, SETTLE_S)
                assert not page.busy and page.current is not None
                timings.append(counter.seconds * 1000)
                queries.append(counter.queries)
        finally:
            desk.close()
            tasks.shutdown()
            desk.deleteLater()
            app.processEvents()
            context.close()
    queries.sort()
    return Samples(timings, {"queries": queries[len(queries) // 2]})
