"""The unit of work: every write brings its outbox envelope and its audit entry, atomically."""

from __future__ import annotations

import json
from datetime import UTC

import pytest
from sqlalchemy import func, select

from db.models import AuditEntry, Office, OutboxEnvelope, UserAccount
from db.uow import WriteOutsideUnitOfWork
from kiosk.office import OfficeContext


def _count(office: OfficeContext, model: type) -> int:
    with office.store.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _envelopes(office: OfficeContext, entity_type: str) -> list[OutboxEnvelope]:
    with office.store.session() as session:
        query = (
            select(OutboxEnvelope)
            .where(OutboxEnvelope.entity_type == entity_type)
            .order_by(OutboxEnvelope.created_at, OutboxEnvelope.id)
        )
        return list(session.scalars(query))


def test_a_new_record_gets_an_envelope_and_an_audit_entry_in_one_commit(
    office: OfficeContext,
) -> None:
    with office.store.unit_of_work(office.system) as uow:
        record = uow.add(Office(name="BAOM Ammeln", commune="Ammeln"))

    assert uow.changes.tables == {"office", "audit_entry", "outbox_envelope"}
    (envelope,) = [e for e in _envelopes(office, "office") if e.entity_id == record.id]
    payload = json.loads(envelope.payload)
    assert payload["name"] == "BAOM Ammeln"
    assert payload["office_id"] == str(office.office_id)
    assert (envelope.operation, envelope.base_version, envelope.version) == ("upsert", 0, 1)
    assert len(envelope.content_hash) == 64
    with office.store.session() as session:
        audit = session.scalar(select(AuditEntry).where(AuditEntry.entity_id == record.id))
    assert audit is not None
    assert (audit.action, audit.entity_type, audit.user_name) == ("create", "office", "system")
    assert any(e.entity_id == audit.id for e in _envelopes(office, "audit_entry"))


def test_ids_are_uuid7_and_times_are_utc(office: OfficeContext) -> None:
    with office.store.unit_of_work(office.system) as uow:
        first = uow.add(Office(name="A"))
    with office.store.unit_of_work(office.system) as uow:
        second = uow.add(Office(name="B"))
    assert first.id.version == 7 and second.id.version == 7
    assert first.id < second.id
    with office.store.session() as session:
        stored = session.get(Office, first.id)
    assert stored is not None and stored.created_at.tzinfo is UTC


def test_an_update_raises_the_version_and_names_its_base(office: OfficeContext) -> None:
    with office.store.unit_of_work(office.system) as uow:
        record = uow.add(Office(name="Before"))
    with office.store.unit_of_work(office.system) as uow:
        stored = uow.session.get(Office, record.id)
        assert stored is not None
        stored.name = "After"

    envelopes = [e for e in _envelopes(office, "office") if e.entity_id == record.id]
    assert [(e.base_version, e.version) for e in envelopes] == [(0, 1), (1, 2)]
    assert json.loads(envelopes[-1].payload)["name"] == "After"
    with office.store.session() as session:
        reread = session.get(Office, record.id)
    assert reread is not None and reread.version == 2 and reread.updated_at >= reread.created_at


def test_local_only_columns_are_neither_synced_nor_versioned(office: OfficeContext) -> None:
    before = _count(office, OutboxEnvelope)
    with office.store.unit_of_work(office.system) as uow:
        account = uow.session.scalar(select(UserAccount))
        assert account is not None
        account.failed_logins = 3
    assert _count(office, OutboxEnvelope) == before
    payload = json.loads(_envelopes(office, "user_account")[-1].payload)
    assert "failed_logins" not in payload and "locked_until" not in payload


def test_a_deletion_is_an_envelope_too(office: OfficeContext) -> None:
    with office.store.unit_of_work(office.system) as uow:
        record = uow.add(Office(name="Gone"))
    with office.store.unit_of_work(office.system) as uow:
        stored = uow.session.get(Office, record.id)
        uow.delete(stored)
    last = [e for e in _envelopes(office, "office") if e.entity_id == record.id][-1]
    assert (last.operation, last.base_version) == ("delete", 1)


def test_a_failed_unit_of_work_leaves_nothing(office: OfficeContext) -> None:
    counts = {model: _count(office, model) for model in (Office, AuditEntry, OutboxEnvelope)}
    with pytest.raises(RuntimeError), office.store.unit_of_work(office.system) as uow:
        uow.add(Office(name="Half done"))
        uow.session.flush()
        raise RuntimeError("power cut")
    assert {model: _count(office, model) for model in counts} == counts


def test_writing_around_the_unit_of_work_is_refused(office: OfficeContext) -> None:
    with office.store.session() as session:
        session.add(Office(name="Sneaky"))
        with pytest.raises(WriteOutsideUnitOfWork):
            session.commit()
    assert _count(office, Office) == 1


def test_an_explicit_audit_entry_names_the_actor(office: OfficeContext) -> None:
    actor, _ = office.accounts.login("amina", "demo-password")
    with office.store.session() as session:
        entry = session.scalar(select(AuditEntry).order_by(AuditEntry.at.desc()).limit(1))
    assert entry is not None
    assert (entry.action, entry.user_name, entry.user_id) == ("login", "amina", actor.user_id)
