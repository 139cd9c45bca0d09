"""Pushing the outbox: pending envelopes in batches, oldest first, one transaction per batch.

Envelopes are read one batch at a time (never the whole outbox in memory). A batch's
verdicts are stored in one transaction: ``accepted``, ``duplicate`` and ``invalid`` mark
the envelope sent (an invalid one keeps the server's reason in ``last_error``),
``conflict`` quarantines it for a supervisor, and the rest go on. When the server cannot
be reached the batch stays pending as it was: nothing is lost, the next round resends it
and the server answers ``duplicate`` for what it already had.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Row, Table, and_, bindparam, or_, select, update

from db.models import EnvelopeStatus, OutboxEnvelope
from db.store import Store
from kiosk.sync.client import RegionalClient
from protocol import wire

_COLUMNS = (
    OutboxEnvelope.id,
    OutboxEnvelope.created_at,
    OutboxEnvelope.entity_type,
    OutboxEnvelope.entity_id,
    OutboxEnvelope.operation,
    OutboxEnvelope.erase,
    OutboxEnvelope.base_version,
    OutboxEnvelope.version,
    OutboxEnvelope.content_hash,
    OutboxEnvelope.payload,
    OutboxEnvelope.sealed,
)


@dataclass
class PushReport:
    """What a push did: envelopes sent and the server's verdicts."""

    sent: int = 0
    accepted: int = 0
    duplicate: int = 0
    invalid: int = 0
    conflict: int = 0
    batches: int = 0

    def as_json(self) -> dict[str, int]:
        """The figures, for ``baom sync --json``."""
        return dict(vars(self))

    def merge(self, other: PushReport) -> PushReport:
        """The figures of two pushes together."""
        return PushReport(**{key: value + getattr(other, key) for key, value in vars(self).items()})


def wire_envelope(row: Row[Any]) -> wire.Envelope:
    """An outbox row (of :func:`pending_batches`) as it goes on the wire."""
    return wire.Envelope(
        id=row.id,
        entity_type=row.entity_type,
        entity_id=row.entity_id,
        operation=row.operation,
        base_version=row.base_version,
        version=row.version,
        content_hash=row.content_hash,
        payload=row.payload,
        sealed=row.sealed,
        created_at=row.created_at,
        erase=row.erase,
    )


def pending_batches(store: Store, size: int = wire.MAX_PUSH_BATCH) -> Iterator[list[Row[Any]]]:
    """The pending envelopes, oldest first (by time, then id), ``size`` at a time.

    Each batch is read after the previous one was handled, after the last one seen, so an
    envelope that stays pending is not read twice in one push.
    """
    after: tuple[datetime, uuid.UUID] | None = None
    while True:
        query = (
            select(*_COLUMNS)
            .where(OutboxEnvelope.status == EnvelopeStatus.PENDING)
            .order_by(OutboxEnvelope.created_at, OutboxEnvelope.id)
            .limit(size)
        )
        if after is not None:
            at, last = after
            query = query.where(
                or_(
                    OutboxEnvelope.created_at > at,
                    and_(OutboxEnvelope.created_at == at, OutboxEnvelope.id > last),
                )
            )
        with store.session() as session:
            rows: list[Row[Any]] = list(session.execute(query))
        if not rows:
            return
        yield rows
        after = (rows[-1].created_at, rows[-1].id)
        if len(rows) < size:
            return


def _unsendable(store: Store, envelope_id: uuid.UUID, reason: str) -> None:
    with store.session() as session:
        session.execute(
            update(OutboxEnvelope)
            .where(OutboxEnvelope.id == envelope_id)
            .values(status=EnvelopeStatus.QUARANTINED, last_error=reason[:2000])
        )
        session.commit()


_OUTBOX: Table = OutboxEnvelope.__table__  # type: ignore[assignment]
_SET_VERDICT = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("b_id"))
    .values(
        status=bindparam("b_status"),
        last_error=bindparam("b_error"),
        attempts=_OUTBOX.c.attempts + 1,
    )
)


def _record_verdicts(
    store: Store, sent_ids: list[uuid.UUID], results: list[wire.PushResult], report: PushReport
) -> None:
    """Store a batch's verdicts in one transaction (one statement, many rows)."""
    expected = set(sent_ids)
    rows: list[dict[str, Any]] = []
    for result in results:
        if result.id not in expected:
            continue  # not ours: the server's mistake, ignored
        expected.discard(result.id)
        status, error = EnvelopeStatus.SENT, ""
        if result.verdict is wire.Verdict.CONFLICT:
            report.conflict += 1
            status = EnvelopeStatus.QUARANTINED
            error = result.detail or "conflict: the server holds other content for this id"
        elif result.verdict is wire.Verdict.INVALID:
            report.invalid += 1
            error = result.detail or "invalid"
        elif result.verdict is wire.Verdict.ACCEPTED:
            report.accepted += 1
        else:
            report.duplicate += 1
        rows.append({"b_id": result.id, "b_status": status, "b_error": error[:2000]})
    if rows:
        with store.session() as session:
            session.connection().execute(_SET_VERDICT, rows)
            session.commit()


def push(
    store: Store,
    client: RegionalClient,
    batch_size: int = wire.MAX_PUSH_BATCH,
    on_batch: Callable[[PushReport], None] | None = None,
) -> PushReport:
    """Push every pending envelope; a :class:`~kiosk.sync.client.SyncError` stops it."""
    report = PushReport()
    for rows in pending_batches(store, batch_size):
        envelopes: list[wire.Envelope] = []
        for row in rows:
            try:
                envelopes.append(wire_envelope(row))
            except ValidationError as error:  # too large, or a malformed entity type
                _unsendable(store, row.id, f"not sendable: {error.errors()[0]['msg']}")
                report.conflict += 1
        for sent in wire.push_sized(envelopes):
            response = client.push(sent)
            report.sent += len(sent)
            report.batches += 1
            _record_verdicts(store, [envelope.id for envelope in sent], response.results, report)
            if on_batch is not None:
                on_batch(report)
    return report
