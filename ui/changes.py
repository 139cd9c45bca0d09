"""Changes committed by another connection or process, as a Qt signal (polled twice a second)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from db.changes import ChangeNotifier
from db.store import Store

POLL_INTERVAL_MS = 500


class ChangeWatcher(QObject):
    """Polls the office database for commits made elsewhere and announces them.

    Signals:
        database_changed(): another connection committed; views that show data refresh.
    """

    database_changed = Signal()

    def __init__(
        self, store: Store, interval_ms: int = POLL_INTERVAL_MS, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._notifier = ChangeNotifier(store)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.on_timer_fired)
        self._timer.start()

    def on_timer_fired(self) -> None:
        """Poll once; emit :attr:`database_changed` when the database moved."""
        if self._notifier.poll():
            self.database_changed.emit()

    def close(self) -> None:
        """Stop polling and release the watching connection."""
        self._timer.stop()
        self._notifier.close()
