"""Moving an existing region to sealed records: ``baom-regional privacy migrate``.

Offices used to push every record whole and in clear. An envelope received then has an
empty ``sealed`` and its whole record in ``payload``. Once the region holds a sealed copy of
that record (an envelope it accepted, with a non-empty ``sealed``, for the same office,
entity type and entity id: an upgraded office sends one of every record it holds), or once
the record's latest envelope is a delete (nothing is left to give back), the old envelope's
payload is reduced to the record's clear part (``protocol.privacy.clear_part``: what the data
inventory lets the region read; a referral's token becomes its hash). Envelopes whose
record has no sealed copy yet are left as they are, so that the region never loses the only
copy it holds, and are reported per office: run the command again after those offices have
synced.

The envelopes are read office by office in batches of ``batch_size`` (keyset on the
envelope id), one transaction per batch, so a region with millions of envelopes is never
held in memory and offices can keep syncing meanwhile. Running it again changes nothing
that is already reduced.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from protocol.privacy import clear_part, inventory, json_text
from regional.models import Office, ReceivedEnvelope

DEFAULT_BATCH_SIZE = 500
_Record = tuple[str, uuid.UUID]
"""A record of one office: its entity type and id."""


@dataclass
class OfficeProgress:
    """What the migration did for one office's envelopes received before sealing."""

    office_id: uuid.UUID
    name: str
    reduced: int = 0
    waiting: int = 0

    def as_json(self) -> dict[str, Any]:
        """The office's line of the report, as JSON."""
        return {
            "office_id": str(self.office_id),
            "name": self.name,
            "reduced": self.reduced,
            "waiting": self.waiting,
        }


@dataclass
class MigrationReport:
    """Per office, the envelopes reduced by this run and those still waiting."""

    offices: list[OfficeProgress] = field(default_factory=list)

    @property
    def reduced(self) -> int:
        """Envelopes whose payload this run reduced to the clear part."""
        return sum(office.reduced for office in self.offices)

    @property
    def waiting(self) -> int:
        """Envelopes left in clear: their record has no sealed copy at the region yet."""
        return sum(office.waiting for office in self.offices)

    def as_json(self) -> dict[str, Any]:
        """The report as one JSON object."""
        return {
            "offices": [office.as_json() for office in self.offices],
            "reduced": self.reduced,
            "waiting": self.waiting,
        }

    def as_text(self) -> str:
        """The report as one line per office and a total."""
        lines = [
            f"{office.office_id}  {office.name or '(unknown office)'}  "
            f"reduced={office.reduced} waiting={office.waiting}"
            for office in self.offices
        ]
        if not self.offices:
            lines.append("no envelope received before records were sealed")
        lines.append(f"total: reduced={self.reduced} waiting={self.waiting}")
        if self.waiting:
            lines.append(
                f"{self.waiting} envelope(s) are kept in clear until the region holds a sealed "
                "copy of their record: run it again after those offices have synced"
            )
        return "\n".join(lines)


def reduced_payload(entity_type: str, payload: str) -> str:
    """The JSON text of the clear part of an old envelope's ``payload``.

    The clear part of a clear part is itself. An unknown entity type keeps only the
    record's ``id``; a payload that is not a JSON object (or has no usable id) becomes ``{}``.
    """
    try:
        data = json.loads(payload)
    except (ValueError, RecursionError):
        return json_text({})
    if not isinstance(data, dict):
        return json_text({})
    if entity_type in inventory().records:
        return json_text(_clear(entity_type, data))
    record_id = data.get("id")
    if isinstance(record_id, str | int) and not isinstance(record_id, bool):
        return json_text({"id": record_id})
    return json_text({})


def _clear(entity_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """The clear part of a record, or of a clear part again: a field already renamed
    (a referral's ``token_hash``) is kept, so a second run finds nothing to change."""
    clear = clear_part(entity_type, data)
    for name, as_name in inventory().record(entity_type).clear_fields.items():
        if as_name != name and name not in data and as_name in data:
            clear[as_name] = data[as_name]
    return clear


def migrate(
    factory: sessionmaker[Session], batch_size: int = DEFAULT_BATCH_SIZE
) -> MigrationReport:
    """Reduce every old envelope whose record the region now holds sealed (or deleted)."""
    if batch_size < 1:
        raise ValueError("the batch size is at least 1")
    report = MigrationReport()
    for office_id, name in _offices(factory):
        progress = OfficeProgress(office_id, name)
        after: uuid.UUID | None = None
        while True:
            with factory() as session, session.begin():
                after = _batch(session, progress, after, batch_size)
            if after is None:
                break
        report.offices.append(progress)
    return report


def _offices(factory: sessionmaker[Session]) -> list[tuple[uuid.UUID, str]]:
    """The offices that have envelopes received before sealing, by name."""
    with factory() as session, session.begin():
        ids = session.scalars(
            select(ReceivedEnvelope.office_id).where(ReceivedEnvelope.sealed == "").distinct()
        ).all()
        rows = session.execute(select(Office.id, Office.name).where(Office.id.in_(ids))).all()
    names = {office_id: name for office_id, name in rows}
    return sorted(((office_id, names.get(office_id, "")) for office_id in ids), key=_by_name)


def _by_name(item: tuple[uuid.UUID, str]) -> tuple[str, str]:
    return item[1], str(item[0])


def _batch(
    session: Session, progress: OfficeProgress, after: uuid.UUID | None, size: int
) -> uuid.UUID | None:
    """One batch of an office's old envelopes; returns the last id read (None: the last batch)."""
    query = select(
        ReceivedEnvelope.id,
        ReceivedEnvelope.entity_type,
        ReceivedEnvelope.entity_id,
        ReceivedEnvelope.payload,
    ).where(ReceivedEnvelope.office_id == progress.office_id, ReceivedEnvelope.sealed == "")
    if after is not None:
        query = query.where(ReceivedEnvelope.id > after)
    rows = session.execute(query.order_by(ReceivedEnvelope.id).limit(size)).all()
    if not rows:
        return None
    covered = _covered(session, progress.office_id, [row.entity_id for row in rows])
    changes: list[dict[str, Any]] = []
    for row in rows:
        if (row.entity_type, row.entity_id) not in covered:
            progress.waiting += 1
            continue
        reduced = reduced_payload(row.entity_type, row.payload)
        if reduced != row.payload:
            changes.append({"id": row.id, "payload": reduced})
    if changes:
        session.execute(update(ReceivedEnvelope), changes)
        progress.reduced += len(changes)
    last: uuid.UUID = rows[-1].id
    return last if len(rows) == size else None


def _covered(
    session: Session, office_id: uuid.UUID, entity_ids: Sequence[uuid.UUID]
) -> set[_Record]:
    """The records among ``entity_ids`` that no longer need their old clear copy.

    A record is covered when the region accepted a sealed copy of it, or when its latest
    accepted envelope (highest version; a delete after an update of the same version; then
    the latest received) is a delete.
    """
    rows = session.execute(
        select(
            ReceivedEnvelope.entity_type,
            ReceivedEnvelope.entity_id,
            ReceivedEnvelope.operation,
            ReceivedEnvelope.version,
            ReceivedEnvelope.received_at,
            ReceivedEnvelope.id,
            (ReceivedEnvelope.sealed != "").label("has_sealed"),
        ).where(
            ReceivedEnvelope.office_id == office_id,
            ReceivedEnvelope.error.is_(None),
            ReceivedEnvelope.entity_id.in_(set(entity_ids)),
        )
    ).all()
    sealed: set[_Record] = set()
    latest: dict[_Record, tuple[int, bool, datetime, str]] = {}
    for row in rows:
        key = (row.entity_type, row.entity_id)
        if row.has_sealed:
            sealed.add(key)
        order = (row.version, row.operation == "delete", row.received_at, str(row.id))
        if key not in latest or order > latest[key]:
            latest[key] = order
    deleted = {key for key, (_version, is_delete, _at, _id) in latest.items() if is_delete}
    return sealed | deleted
