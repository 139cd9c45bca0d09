"""Tombstones: an erased record's earlier sealed copies are destroyed at the region."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from tests.unit.regional.factories import Clock, enrolled, envelope, push, record


def _held(db_url: str, entity_id: str) -> tuple[list[tuple[int, str, bool]], int]:
    """Each stored envelope of the record (version, operation, whether its sealed copy is
    kept), and
    how many changes would give the record back to a PC of the office."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            envelopes = connection.execute(
                text("SELECT version, operation, sealed FROM envelope WHERE entity_id = :id"),
                {"id": entity_id.replace("-", "") if "sqlite" in db_url else entity_id},
            ).all()
            changes = connection.scalar(
                text("SELECT count(*) FROM server_change WHERE entity_id = :id"),
                {"id": entity_id},
            )
    finally:
        engine.dispose()
    return sorted((v, op, bool(sealed)) for v, op, sealed in envelopes), changes or 0


def test_a_tombstone_destroys_the_earlier_sealed_copies_of_its_record(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    first = record(office.office_id, given_name="Awa")
    other = record(office.office_id, given_name="Aya")
    second = {**first, "version": 2, "given_name": "Awa Diallo"}
    assert push(client, office, envelope("person", first), envelope("person", other)) == [
        "accepted",
        "accepted",
    ]
    erased = dict(envelope("person", {**first, "version": 3, "given_name": ""}), erase=True)
    # the second version and the tombstone in one batch: the second goes too
    assert push(client, office, envelope("person", second), erased) == ["accepted", "accepted"]

    assert _held(db_url, first["id"]) == (
        [(1, "upsert", False), (2, "upsert", False), (3, "upsert", True)],
        1,
    )
    assert _held(db_url, other["id"]) == ([(1, "upsert", True)], 1)  # another record keeps its copy


def test_a_deleted_records_tombstone_leaves_only_its_own_envelope(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Tiznit", clock())
    person = record(office.office_id, given_name="Awa")
    assert push(client, office, envelope("person", person)) == ["accepted"]
    gone = dict(envelope("person", {"id": person["id"]}, "delete", version=1), erase=True)
    assert push(client, office, gone) == ["accepted"]
    assert _held(db_url, person["id"]) == ([(1, "delete", True), (1, "upsert", False)], 1)
