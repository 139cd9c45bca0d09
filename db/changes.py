"""Tell when another connection or process has committed to the office database.

SQLite's ``PRAGMA data_version`` changes on a connection when any *other* connection
commits, so one dedicated connection polled twice a second is enough: no file watcher,
no socket. The desk and the waiting-room display poll it from a Qt timer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from db.store import Store

Listener = Callable[[], None]


class ChangeNotifier:
    """Calls its listeners after another connection committed. Call :meth:`poll` often."""

    def __init__(self, store: Store) -> None:
        self._connection: Any = store.connect_dedicated()
        self._listeners: list[Listener] = []
        self._version = self._read_version()

    def _read_version(self) -> int:
        cursor = self._connection.cursor()
        try:
            cursor.execute("PRAGMA data_version")
            return int(cursor.fetchone()[0])
        finally:
            cursor.close()

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` (with no argument) after each change seen by :meth:`poll`."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        """Stop calling ``listener``."""
        self._listeners.remove(listener)

    def poll(self) -> bool:
        """Whether the database changed since the last poll; notifies the listeners if so."""
        version = self._read_version()
        if version == self._version:
            return False
        self._version = version
        for listener in list(self._listeners):
            listener()
        return True

    def close(self) -> None:
        """Release the watching connection."""
        self._connection.close()
