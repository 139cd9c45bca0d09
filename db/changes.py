"""Which tables changed, whoever wrote them: the change marks kept by the database itself.

Every table but ``change_mark`` has three triggers (after insert, update and delete) that
raise its row's ``seq`` in ``change_mark``. Reading that small table before and after a
piece of work tells which tables the work wrote, whatever way it wrote them (a unit of
work, a bulk statement, the print spool); reading it when ``PRAGMA data_version`` moved
tells what another process (a kiosk, the display, a ``baom`` command) wrote. The windows
refresh only what shows those tables (``ui.tasks``).

:func:`install_change_marks` runs after every upgrade (``db.migrate.upgrade``), so a table
added or rebuilt by a later migration gets its triggers without anyone thinking of it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Connection, inspect, text

UNMARKED = frozenset({"change_mark", "alembic_version", "sqlite_sequence"})
"""Tables without change marks: the marks themselves and the bookkeeping of SQLite and Alembic."""

_OPERATIONS = ("insert", "update", "delete")


@dataclass(frozen=True)
class Changes:
    """The tables a piece of work (or another process) wrote, by name: ``{"ticket", …}``."""

    tables: frozenset[str] = field(default_factory=frozenset)

    def __bool__(self) -> bool:
        return bool(self.tables)

    def touches(self, tables: Collection[str]) -> bool:
        """Whether any of ``tables`` changed."""
        return not self.tables.isdisjoint(tables)


def trigger_name(table: str, operation: str) -> str:
    """The name of the trigger that marks ``operation`` on ``table``."""
    return f"change_mark_{table}_{operation}"


def marked_tables(connection: Connection) -> list[str]:
    """The tables that carry change marks: every plain table but :data:`UNMARKED` (a full-text
    index and its shadow tables change with the table they index)."""
    virtual = set(
        connection.execute(
            text(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'"
            )
        ).scalars()
    )
    shadows = tuple(f"{name}_" for name in virtual)
    return [
        table
        for table in inspect(connection).get_table_names()
        if table not in UNMARKED | virtual and not (shadows and table.startswith(shadows))
    ]


def install_change_marks(connection: Connection) -> None:
    """Give every table its row in ``change_mark`` and its three triggers (idempotent)."""
    for table in marked_tables(connection):
        connection.execute(
            text("INSERT OR IGNORE INTO change_mark (kind, seq) VALUES (:kind, 0)"),
            {"kind": table},
        )
        for operation in _OPERATIONS:
            connection.execute(
                text(
                    f'CREATE TRIGGER IF NOT EXISTS "{trigger_name(table, operation)}" '
                    f'AFTER {operation.upper()} ON "{table}" FOR EACH ROW BEGIN '
                    f"UPDATE change_mark SET seq = seq + 1 WHERE kind = '{table}'; END"
                )
            )


def changed_between(before: dict[str, int], after: dict[str, int]) -> frozenset[str]:
    """The tables whose mark moved from ``before`` to ``after``."""
    return frozenset(table for table, seq in after.items() if before.get(table) != seq)


class Store(Protocol):
    """What the marks need of ``db.store.Store`` (not imported: the store reaches this module)."""

    def connect_dedicated(self) -> Any:
        """A DBAPI connection of its own."""


@dataclass
class Recorded:
    """What :meth:`ChangeMarks.recording` saw written."""

    changes: Changes = field(default_factory=Changes)


class ChangeMarks:
    """Tells which tables changed: around a piece of work, or since the last look.

    It keeps one connection of its own, opened on first use; use it from one thread at a
    time (the windows' database worker).
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._connection: Any = None
        self._version: int | None = None
        self._seen: dict[str, int] = {}

    def _query(self, sql: str) -> list[tuple[Any, ...]]:
        if self._connection is None:
            self._connection = self._store.connect_dedicated()
        cursor = self._connection.cursor()
        try:
            cursor.execute(sql)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def read(self) -> dict[str, int]:
        """Every table's mark now."""
        return {
            str(kind): int(seq) for kind, seq in self._query("SELECT kind, seq FROM change_mark")
        }

    def start(self) -> None:
        """Take today's marks as seen (nothing has changed for a window that just opened)."""
        self._version = self._data_version()
        self._seen = self.read()

    @contextmanager
    def recording(self) -> Iterator[Recorded]:
        """Tell, once the block has ended (even by an error), the tables written in it.

        ``with marks.recording() as recorded: work()`` leaves them in ``recorded.changes``.
        A change made meanwhile by another process to a table the work wrote is reported
        with the work (whoever refreshes for it reads both); any other one stays for
        :meth:`since_last_look`.
        """
        before = self.read()
        recorded = Recorded()
        try:
            yield recorded
        finally:
            after = self.read()
            tables = changed_between(before, after)
            self._seen.update({table: after[table] for table in tables})
            recorded.changes = Changes(tables)

    def since_last_look(self) -> Changes:
        """The tables written by anyone else since the last look (cheap when nothing was)."""
        if self._version is None:
            self.start()
            return Changes()
        version = self._data_version()
        if version == self._version:
            return Changes()
        self._version = version
        marks = self.read()
        tables = changed_between(self._seen, marks)
        self._seen = marks
        return Changes(tables)

    def _data_version(self) -> int:
        return int(self._query("PRAGMA data_version")[0][0])

    def close(self) -> None:
        """Release the connection (on the thread that used it)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
