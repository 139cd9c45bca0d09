"""Migration 0007 (sync review): a downgrade shows reviewed envelopes for review again."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import select

from db import migrate
from db.models import EnvelopeStatus, OutboxEnvelope
from kiosk.office import OfficeContext
from kiosk.sync.review import dismiss_envelope, resend_envelope


def _quarantine_two(office: OfficeContext) -> list[OutboxEnvelope]:
    with office.store.session() as session:
        rows = list(session.scalars(select(OutboxEnvelope).order_by(OutboxEnvelope.created_at)))[:2]
        for row in rows:
            row.status = EnvelopeStatus.QUARANTINED
        session.commit()
        for row in rows:
            session.expunge(row)
        return rows


def test_a_downgrade_puts_reviewed_envelopes_back_in_quarantine(office: OfficeContext) -> None:
    first, second = _quarantine_two(office)
    resent = resend_envelope(office.store, office.system, first.id).resent_as
    dismiss_envelope(office.store, office.system, second.id, "not needed")

    migrate.downgrade(office.store, "0006")
    with office.store.engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT id, status FROM outbox_envelope"))
        statuses = {row[0]: row[1] for row in rows}
        columns = {c["name"] for c in sa.inspect(connection).get_columns("outbox_envelope")}
    assert statuses[first.id.hex] == statuses[second.id.hex] == "quarantined"
    assert resent is not None and statuses[resent.hex] == "pending"
    assert "review_note" not in columns

    migrate.upgrade(office.store)
    with office.store.session() as session:
        assert session.get(OutboxEnvelope, first.id).status is EnvelopeStatus.QUARANTINED  # type: ignore[union-attr]
