"""Pulled directory rows, written in bulk: one page's upserts and tombstones per table.

The changes of a page are gathered first (the last change of a row wins), then written
table by table: tombstones (children first, references to the row emptied), then upserts
(parents first, a few statements per table, never one savepoint per row: on SQLite each
released outer savepoint is a commit). A reference to a row the office does not hold is
emptied and reported, so that one bad row never blocks the pull. The search documents of
the services touched are rebuilt with ``kiosk.directory.index``.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnDefault,
    DateTime,
    Enum,
    Table,
    Uuid,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from db.directory import SearchDocument, hsds_table
from kiosk.directory.index import affected_services, reindex
from protocol.communes import address_commune
from protocol.directory.hsds import SPECS, TableSpec

PREFIX = "directory_"
_CHUNK = 500
Row = dict[str, Any]


class NotApplicable(Exception):
    """A pulled change that cannot be applied; the message says why."""


def column_value(column: Any, value: Any) -> Any:
    """A JSON value as the column stores it (UUIDs, aware datetimes; checked types)."""
    if value is None:
        if not column.nullable:
            raise NotApplicable(f"{column.name} cannot be empty")
        return None
    if isinstance(column.type, Uuid):
        return uuid.UUID(str(value))
    if isinstance(column.type, DateTime) or isinstance(
        getattr(column.type, "impl", None), DateTime
    ):
        moment = datetime.fromisoformat(str(value))
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    if isinstance(column.type, Enum):
        if value not in column.type.enums:
            raise NotApplicable(f"{column.name}: {value!r} is not one of {column.type.enums}")
        return value
    if isinstance(column.type, JSON):
        return value
    expected: type[Any] | tuple[type[Any], ...] = column.type.python_type
    if expected is float:
        expected = (int, float)
    if isinstance(value, bool) is not (expected is bool) or not isinstance(value, expected):
        raise NotApplicable(f"{column.name}: {value!r} is not a {column.type}")
    return value


def directory_row(spec: TableSpec, entity_id: str, payload: dict[str, Any]) -> Row:
    """A pulled directory payload as a complete row of ``spec``'s table (defaults filled;
    an address's commune as its HCP code)."""
    row: Row = {}
    for column in hsds_table(spec.name).columns:
        if column.name in payload:
            row[column.name] = column_value(column, payload[column.name])
        elif isinstance(column.default, ColumnDefault):
            made = column.default.arg
            row[column.name] = made(None) if callable(made) else made
        elif column.nullable:
            row[column.name] = None
        else:
            raise NotApplicable(f"{column.name} is missing")
    key = uuid.UUID(entity_id)
    if row.get("id") not in (None, key):
        raise NotApplicable(f"the payload's id {row['id']} is not the change's {key}")
    row["id"] = key
    if spec.name == "address":
        row["commune"] = address_commune(row["commune"], row["city"])
    return row


def _chunks(ids: list[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def _existing(session: Session, table: Table, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    found: set[uuid.UUID] = set()
    for chunk in _chunks(ids):
        found |= set(session.scalars(select(table.c.id).where(table.c.id.in_(chunk))))
    return found


class DirectoryChanges:
    """The directory changes of one page, gathered, then written by :meth:`write`."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[uuid.UUID, Row | None]] = defaultdict(dict)
        self.warnings: list[tuple[str, uuid.UUID, str]] = []

    def add(self, entity_type: str, entity_id: str, operation: str, payload: Any) -> None:
        """Gather one change (``NotApplicable`` or ``ValueError`` when it cannot apply)."""
        spec = SPECS.get(entity_type.removeprefix(PREFIX))
        if spec is None:
            raise NotApplicable(f"no directory table {entity_type!r}")
        if operation == "delete":
            row_id = uuid.UUID(entity_id)
            self.rows[spec.name].pop(row_id, None)
            self.rows[spec.name][row_id] = None
            return
        row = directory_row(spec, entity_id, payload or {})
        self.rows[spec.name].pop(row["id"], None)
        self.rows[spec.name][row["id"]] = row

    def write(self, session: Session) -> None:
        """Write every gathered change and rebuild the search documents it touches."""
        services: set[uuid.UUID] = set()
        changed: dict[str, set[uuid.UUID]] = {}
        for spec in reversed(list(SPECS.values())):
            gone = [key for key, row in self.rows.get(spec.name, {}).items() if row is None]
            if gone:
                services |= affected_services(session, {spec.name: set(gone)})
                self._delete(session, spec, gone)
        for spec in SPECS.values():
            rows = [row for row in self.rows.get(spec.name, {}).values() if row is not None]
            if rows:
                self._check_references(session, spec, rows)
                self._upsert(session, spec, rows)
                changed[spec.name] = {row["id"] for row in rows}
        services |= affected_services(session, changed)
        if services:
            reindex(session, services)

    def _delete(self, session: Session, spec: TableSpec, ids: list[uuid.UUID]) -> None:
        table = hsds_table(spec.name)
        for chunk in _chunks(ids):
            session.execute(delete(SearchDocument).where(SearchDocument.service_id.in_(chunk)))
            for other in SPECS:
                for key in hsds_table(other).foreign_keys:
                    if key.column.table is table:
                        session.execute(
                            update(hsds_table(other))
                            .where(key.parent.in_(chunk))
                            .values({key.parent.name: None})
                        )
            session.execute(delete(table).where(table.c.id.in_(chunk)))

    def _check_references(self, session: Session, spec: TableSpec, rows: list[Row]) -> None:
        for key in hsds_table(spec.name).foreign_keys:
            name, target = key.parent.name, key.column.table
            wanted = list({row[name] for row in rows if row[name] is not None})
            if not wanted:
                continue
            held = _existing(session, target, wanted)
            for row in rows:
                if row[name] is not None and row[name] not in held:
                    self.warnings.append(
                        (spec.name, row["id"], f"{name} refers to a row this office lacks")
                    )
                    row[name] = None

    def _upsert(self, session: Session, spec: TableSpec, rows: list[Row]) -> None:
        table = hsds_table(spec.name)
        held = _existing(session, table, [row["id"] for row in rows])
        new = [row for row in rows if row["id"] not in held]
        known = [row for row in rows if row["id"] in held]
        if new:
            session.execute(insert(table), new)
        if known:
            columns = [column.name for column in table.columns if column.name != "id"]
            statement = (
                update(table)
                .where(table.c.id == bindparam("p_id"))
                .values({name: bindparam(f"p_{name}") for name in columns})
            )
            params = [{f"p_{key}": value for key, value in row.items()} for row in known]
            session.connection().execute(statement, params)
