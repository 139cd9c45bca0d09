"""The unit of work: the one way to write to the office database.

Every synced record that a unit of work creates, changes or deletes gets, in the same
transaction, an outbox envelope (what to push to the regional server) and an audit entry
(who did it, when), linked into the audit trail's hash chain as it is flushed
(``db.audit_chain``). A session that tries to flush outside a unit of work is refused, so
nothing can write around it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, TypeVar

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from db.audit_chain import link_entries
from db.base import SyncedRecord, json_value, utcnow
from db.changes import Changes
from db.models import AuditEntry, OutboxEnvelope
from db.office_key import ensure_recovery_key, read_recovery_key
from protocol.privacy import content_hash, data_key, leaving_parts


class Sessions(Protocol):
    """What a unit of work needs of the store (``db.store.Store``): sessions, and a place to
    keep the office data key once read."""

    data_key: bytes | None

    def session(self) -> Session: ...


class WriteOutsideUnitOfWork(RuntimeError):
    """A session tried to write synced records without a unit of work."""


@dataclass(frozen=True)
class Actor:
    """Who is writing: a logged-in account, or the system (a command run by the administrator)."""

    name: str
    role: str
    office_id: uuid.UUID
    user_id: uuid.UUID | None = None

    @classmethod
    def system(cls, office_id: uuid.UUID) -> Actor:
        """The administrator at the command line, or the application itself."""
        return cls(name="system", role="admin", office_id=office_id)


@dataclass
class _Pending:
    record: SyncedRecord
    operation: str
    base_version: int
    payload: dict[str, Any] | None = None


_UOW_KEY = "baom.unit_of_work"
_R = TypeVar("_R")


def record_payload(record: SyncedRecord) -> dict[str, Any]:
    """The synced columns of ``record`` as JSON-ready values."""
    mapper = inspect(record).mapper
    excluded = type(record).__sync_exclude__
    return {
        attribute.key: json_value(getattr(record, attribute.key))
        for attribute in mapper.column_attrs
        if attribute.key not in excluded
    }


def _has_synced_changes(record: SyncedRecord) -> bool:
    state = inspect(record)
    excluded = type(record).__sync_exclude__
    return any(
        state.attrs[attribute.key].history.has_changes()
        for attribute in state.mapper.column_attrs
        if attribute.key not in excluded
    )


@event.listens_for(Session, "before_flush")
def _collect_changes(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    synced = [
        record
        for record in (*session.new, *session.dirty, *session.deleted)
        if isinstance(record, SyncedRecord)
    ]
    if not synced:
        return
    unit: UnitOfWork | None = session.info.get(_UOW_KEY)
    if unit is None:
        raise WriteOutsideUnitOfWork("synced records are written through a UnitOfWork only")
    unit._collect(session)


class UnitOfWork:
    """One transaction on behalf of one actor; use as a context manager.

    ``with store.unit_of_work(actor) as uow: uow.add(record)`` commits on leaving the block
    (rolls back on an exception); ``uow.changes`` then tells what was written.
    ``from_server`` is for changes pulled from the regional server: their audit entry says
    ``sync_pull``; they get an envelope like any write, so that the office's sealed copy at
    the region holds the record as the office has it (a restored PC gets it back).
    """

    def __init__(self, store: Sessions, actor: Actor, *, from_server: bool = False) -> None:
        self.actor = actor
        self.from_server = from_server
        self._store = store
        self.session = store.session()
        self.session.info[_UOW_KEY] = self
        self.changes = Changes()
        self._written: set[str] = set()
        self._pending: list[_Pending] = []
        self._erasing: set[uuid.UUID] = set()

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if kind is None:
                self.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()

    def add(self, record: _R) -> _R:
        """Stage a new or changed record; returns it."""
        self.session.add(record)
        return record

    def delete(self, record: Any) -> None:
        """Stage the deletion of a record."""
        self.session.delete(record)

    def erase(self, record: SyncedRecord) -> None:
        """Mark ``record``'s envelope in this unit of work (a change or a delete) as a
        tombstone: the region destroys the sealed copies of its earlier versions."""
        self._erasing.add(record.id)

    def audit(self, action: str, entity: SyncedRecord | None = None, detail: str = "") -> None:
        """Record an action that is not itself a write (a login, a print, an export)."""
        self.session.add(self._audit_entry(action, entity, detail))

    def commit(self) -> Changes:
        """Flush, append the envelopes and audit entries, and commit."""
        self.session.flush()
        while self._pending:
            pending, self._pending = self._pending, []
            for item in pending:
                self._record(item)
            self.session.flush()
        self.session.commit()
        if self._written:
            self._written.update(("outbox_envelope", "audit_entry"))
        self.changes = Changes(frozenset(self._written))
        return self.changes

    def _collect(self, session: Session) -> None:
        now = utcnow()
        for record in session.new:
            if isinstance(record, SyncedRecord):
                if record.office_id is None:
                    record.office_id = self.actor.office_id
                record.version = 1
                record.created_at = record.updated_at = now
                self._pending.append(_Pending(record, "create", 0))
        for record in session.dirty:
            if isinstance(record, SyncedRecord) and _has_synced_changes(record):
                base = record.version
                record.version = base + 1
                record.updated_at = now
                self._pending.append(_Pending(record, "update", base))
        for record in session.deleted:
            if isinstance(record, SyncedRecord):
                payload = {"id": str(record.id)}
                self._pending.append(_Pending(record, "delete", record.version, payload))
        entries = [record for record in session.new if isinstance(record, AuditEntry)]
        if entries:
            link_entries(session.connection(), entries)

    def _record(self, item: _Pending) -> None:
        record = item.record
        entity_type = type(record).__tablename__  # type: ignore[attr-defined]
        self._written.add(entity_type)
        payload = item.payload if item.payload is not None else record_payload(record)
        version = item.base_version if item.operation == "delete" else record.version
        body, sealed = leaving_parts(self._data_key(), entity_type, record.id, version, payload)
        digest = content_hash(entity_type, record.id, item.operation, version, body, sealed)
        self.session.add(
            OutboxEnvelope(
                office_id=record.office_id,
                entity_type=entity_type,
                entity_id=record.id,
                operation="delete" if item.operation == "delete" else "upsert",
                base_version=item.base_version,
                version=version,
                payload=body,
                sealed=sealed,
                from_region=self.from_server,
                erase=record.id in self._erasing,
                content_hash=digest,
            )
        )
        if self.from_server and not isinstance(record, AuditEntry):
            self.session.add(self._audit_entry("sync_pull", record, item.operation))
        elif not isinstance(record, AuditEntry):
            self.session.add(self._audit_entry(item.operation, record))

    def _data_key(self) -> bytes:
        """The office data key, read once per store.

        Every database gets its recovery key from its migrations; one made here (the row
        was removed) is kept only if this unit of work commits, so it is not remembered.
        """
        if self._store.data_key is not None:
            return self._store.data_key
        stored = read_recovery_key(self.session)
        if stored is None:
            return data_key(ensure_recovery_key(self.session))
        self._store.data_key = data_key(stored)
        return self._store.data_key

    def _audit_entry(
        self, action: str, entity: SyncedRecord | None, detail: str = ""
    ) -> AuditEntry:
        return AuditEntry(
            office_id=self.actor.office_id,
            user_id=self.actor.user_id,
            user_name=self.actor.name,
            action=action,
            entity_type=type(entity).__tablename__ if entity is not None else "",  # type: ignore[attr-defined]
            entity_id=entity.id if entity is not None else None,
            detail=detail,
        )
