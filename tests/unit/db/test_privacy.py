"""The data inventory, sealed records, and what the unit of work lets leave the office."""

from __future__ import annotations

import json
import secrets
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from db import migrate
from db.directory import is_search_index
from db.models import AuditEntry, OutboxEnvelope
from db.office_key import read_recovery_key
from db.schema import Base
from db.store import Store
from kiosk.office import OfficeContext
from protocol.privacy import (
    SealError,
    clear_part,
    data_key,
    inventory,
    json_text,
    open_sealed,
    seal,
)
from tests.helpers.intake import answers

VOCABULARY = {
    "about": {"visitor", "staff", "office", "none"},
    "purpose": set(
        "serve contact refer statistics accountability security queue operation".split()
    ),
    "basis": {"consent", "legal_obligation", "vital_interest", "none"},
    "region": {"never", "statistics", "clear"},
    "leaves_office": {"sealed", "never"},
}


def _tables() -> dict[str, sa.Table]:
    return {
        name: table for name, table in Base.metadata.tables.items() if not is_search_index(name)
    }


def test_every_column_of_the_office_database_is_in_the_inventory() -> None:
    found = inventory()
    for name, table in _tables().items():
        if name in found.directory_tables:
            continue
        assert name in found.records, f"table {name} is missing from the data inventory"
        listed = set(found.record(name).fields)
        columns = {column.name for column in table.columns}
        assert columns - listed == set(), f"{name}: columns missing from the inventory"
        assert listed - columns == set(), f"{name}: the inventory names columns that do not exist"
    assert set(found.records) | found.directory_tables >= set(_tables())


def test_the_inventory_speaks_one_vocabulary() -> None:
    found = inventory()
    for record in found.records.values():
        assert record.about in VOCABULARY["about"]
        assert record.retention in found.retention
        for entry in record.fields.values():
            assert entry.purpose in VOCABULARY["purpose"], (record.name, entry.name)
            assert entry.basis in VOCABULARY["basis"], (record.name, entry.name)
            assert entry.region in VOCABULARY["region"], (record.name, entry.name)
            assert entry.leaves_office in VOCABULARY["leaves_office"], (record.name, entry.name)
            assert set(entry.readers) <= {"officers", "supervisors"}


def test_the_region_reads_no_personal_field_but_an_account_s_name() -> None:
    """A new clear field holding personal data must be a decision, not an accident."""
    readable = {
        (record.name, entry.name)
        for record in inventory().records.values()
        for entry in record.fields.values()
        if entry.region == "clear" and entry.personal
    }
    assert readable == {("user_account", "name")}
    assert "token_hash" in inventory().record("referral").clear_fields.values()
    assert "token" not in inventory().record("referral").clear_fields.values()


def test_every_synced_record_leaves_sealed_and_every_local_one_stays() -> None:
    from db.base import SyncedRecord

    for mapper in Base.registry.mappers:
        table = mapper.class_.__tablename__
        if table in inventory().directory_tables:
            continue  # the public directory: it comes from the region
        leaves = inventory().record(table).leaves_office
        assert leaves == ("sealed" if issubclass(mapper.class_, SyncedRecord) else "never"), table


def test_a_sealed_copy_opens_only_with_its_key_for_its_record() -> None:
    key, other = data_key(secrets.token_bytes(16)), data_key(secrets.token_bytes(16))
    record_id = uuid.uuid4()
    sealed = seal(key, "person", record_id, 3, json_text({"given_name": "Awa"}))
    assert "Awa" not in sealed
    assert open_sealed(key, "person", record_id, 3, sealed) == {"given_name": "Awa"}
    for attempt in (
        lambda: open_sealed(other, "person", record_id, 3, sealed),
        lambda: open_sealed(key, "person", uuid.uuid4(), 3, sealed),  # moved to another record
        lambda: open_sealed(key, "person", record_id, 4, sealed),  # or another version
        lambda: open_sealed(key, "case", record_id, 3, sealed),
        lambda: open_sealed(key, "person", record_id, 3, "not base64!"),
    ):
        with pytest.raises(SealError):
            attempt()


def test_a_secret_setting_goes_without_its_value() -> None:
    pin = {"id": "x", "office_id": "y", "version": 1, "key": "kiosk.exit_pin", "value": "$argon2"}
    assert clear_part("setting", pin) == {
        "id": "x",
        "office_id": "y",
        "version": 1,
        "key": pin["key"],
    }
    other = {**pin, "key": "kiosk.idle_seconds", "value": "60"}
    assert clear_part("setting", other)["value"] == "60"


def test_what_the_unit_of_work_sends_is_the_clear_part_and_the_whole_sealed(
    office: OfficeContext,
) -> None:
    from kiosk.cases.intake import IntakeRequest, submit_intake

    submit_intake(office.store, office.system, IntakeRequest(answers(notes="Salle 3")))
    with office.store.session() as session:
        key = data_key(read_recovery_key(session) or b"")
        envelopes = session.scalars(select(OutboxEnvelope)).all()
    kinds = {envelope.entity_type for envelope in envelopes}
    assert {"person", "case", "intake", "case_entry", "visit", "case_need"} <= kinds
    for envelope in envelopes:
        clear = json.loads(envelope.payload)
        allowed = set(inventory().record(envelope.entity_type).clear_fields.values())
        assert set(clear) <= allowed, envelope.entity_type
        whole = open_sealed(
            key, envelope.entity_type, envelope.entity_id, envelope.version, envelope.sealed
        )
        assert whole["id"] == str(envelope.entity_id)
        assert clear == clear_part(envelope.entity_type, whole)
    text = " ".join(envelope.payload for envelope in envelopes)
    for personal in ("Aminata", "Diallo", "612345678", "Salle 3"):
        assert personal not in text


def _raw(store: Store, statement: str, **values: object) -> None:
    with store.engine.begin() as connection:
        connection.execute(sa.text(statement), values)


def test_the_upgrade_seals_the_outbox_and_queues_a_sealed_copy_of_every_record(
    tmp_path: Path,
) -> None:
    store = Store.open(tmp_path / "m.db", secrets.token_hex(32), create=True)
    migrate.upgrade(store, "0007")
    office, person = uuid.uuid4(), uuid.uuid4()
    whole = {"id": str(person), "office_id": str(office), "version": 1, "given_name": "Awa"}
    _raw(
        store,
        "INSERT INTO office (id, office_id, name, commune, time_zone, is_local, created_at,"
        " updated_at, version) VALUES (:id, :id, 'BAOM', '', 'Africa/Casablanca', 1,"
        " '2026-01-01 10:00:00', '2026-01-01 10:00:00', 1)",
        id=office.hex,
    )
    _raw(
        store,
        "INSERT INTO person (id, office_id, given_name, family_name, sex, nationality, category,"
        " commune, phone, language, created_at, updated_at, version) VALUES (:id, :office,"
        " 'Awa', 'Diallo', 'f', 'SN', 'rpt', '', '', '', '2026-01-01 10:00:00',"
        " '2026-01-01 10:00:00', 1)",
        id=person.hex,
        office=office.hex,
    )
    for status in ("sent", "pending"):
        _raw(
            store,
            "INSERT INTO outbox_envelope (id, created_at, office_id, entity_type, entity_id,"
            " operation, base_version, version, payload, content_hash, status, attempts,"
            " last_error, review_note) VALUES (:id, '2026-01-01 10:00:00', :office, 'person',"
            " :person, 'upsert', 0, 1, :payload, :hash, :status, 0, '', '')",
            id=uuid.uuid4().hex,
            office=office.hex,
            person=person.hex,
            payload=json_text(whole),
            hash="0" * 64,
            status=status,
        )
    migrate.upgrade(store)
    with store.session() as session:
        key = data_key(read_recovery_key(session) or b"")
        rows = session.scalars(select(OutboxEnvelope).order_by(OutboxEnvelope.created_at)).all()
    assert all("Awa" not in row.payload for row in rows)
    pending = [row for row in rows if row.status.value == "pending"]
    assert {row.entity_type for row in pending} == {"person", "office"}  # the copy of each
    for row in pending:
        opened = open_sealed(key, row.entity_type, row.entity_id, row.version, row.sealed)
        assert opened["id"] == str(row.entity_id)
    opened = [
        open_sealed(key, "person", person, 1, row.sealed)
        for row in pending
        if row.entity_type == "person"
    ]
    assert len(opened) == 2  # the pending change, and the copy of the record as it is
    assert {copy.get("family_name") for copy in opened} == {None, "Diallo"}
    store.close()


def test_audit_entries_leave_sealed_too(office: OfficeContext) -> None:
    with office.store.unit_of_work(office.system) as uow:
        uow.add(AuditEntry(user_name="amina", action="read", detail="case C-1"))
    with office.store.session() as session:
        rows = session.scalars(
            select(OutboxEnvelope).where(OutboxEnvelope.entity_type == "audit_entry")
        ).all()
    assert rows and all("amina" not in row.payload and row.sealed for row in rows)
