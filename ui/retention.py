"""The retention schedule's daily run in the application (``kiosk.retention.run_if_due``).

The desk looks every hour, on the database worker, whether a day has passed since the last
run audited at the office, and runs the schedule then; nobody waits on it, so a failure is
logged.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from kiosk.office import OfficeContext
from ui.tasks import Tasks, log_failure


class RetentionRunner(QObject):
    """Runs the retention schedule once a day, off the GUI thread."""

    CHECK_MS = 60 * 60 * 1000
    FIRST_CHECK_MS = 60 * 1000  # after the start: the first paint and sync come first

    def __init__(self, context: OfficeContext, tasks: Tasks) -> None:
        super().__init__()
        self._context = context
        self._tasks = tasks
        self._timer = QTimer(self, interval=self.CHECK_MS)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        """Look now and then every hour."""
        QTimer.singleShot(self.FIRST_CHECK_MS, self.check)
        self._timer.start()

    def stop(self) -> None:
        """Stop looking."""
        self._timer.stop()

    def check(self) -> None:
        """Run the schedule on the worker if a day has passed since the last run."""
        from kiosk.retention import run_if_due

        context = self._context
        self._tasks.run(lambda: run_if_due(context, context.system), lambda _ran: None, log_failure)
