"""``baom-regional privacy migrate``: old envelopes in clear reduced once the region holds
their record sealed, the others kept and reported; batches; a second run changes nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from protocol.privacy import json_text, token_hash
from regional.cli import main
from regional.database import make_engine, session_factory
from regional.models import ReceivedEnvelope
from regional.privacy_migrate import migrate, reduced_payload
from tests.unit.regional.factories import (
    Clock,
    Enrolled,
    enrolled,
    envelope,
    intake,
    push,
    record,
    referral,
)

MARKER = "Zoubida-7f3c-MARKER"
"""In a name (or a note) of every old record: it must leave the region's clear copies."""


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the test database."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on the test database."""
    return session_factory(engine)


def old_envelope(
    factory: sessionmaker[Session],
    office: Enrolled,
    clock: Clock,
    entity_type: str,
    payload: dict[str, Any],
    operation: str = "upsert",
    *,
    body: str | None = None,
    error: str | None = None,
) -> None:
    """An envelope as the region stored it before sealing: the whole record in clear."""
    with factory() as session, session.begin():
        session.add(
            ReceivedEnvelope(
                id=uuid.uuid4(),
                office_id=uuid.UUID(office.office_id),
                entity_type=entity_type,
                entity_id=uuid.UUID(payload["id"]),
                operation=operation,
                base_version=max(0, payload["version"] - 1),
                version=payload["version"],
                content_hash="0" * 64,
                payload=json_text(payload) if body is None else body,
                sealed="",
                received_at=clock() - timedelta(days=30),
                error=error,
            )
        )


def stored_as_invalid(
    factory: sessionmaker[Session], office: Enrolled, clock: Clock, wire: dict[str, Any]
) -> None:
    """A sealed envelope the region stored but refused (it cannot give it back)."""
    with factory() as session, session.begin():
        session.add(
            ReceivedEnvelope(
                id=uuid.UUID(wire["id"]),
                office_id=uuid.UUID(office.office_id),
                entity_type=wire["entity_type"],
                entity_id=uuid.UUID(wire["entity_id"]),
                operation=wire["operation"],
                base_version=wire["base_version"],
                version=wire["version"],
                content_hash=wire["content_hash"],
                payload=wire["payload"],
                sealed=wire["sealed"],
                received_at=clock(),
                error="refused for the test",
            )
        )


@dataclass
class Region:
    """The region of the scenario: two offices, and the records whose clear copy stays."""

    agadir: Enrolled
    tiznit: Enrolled
    waiting: set[uuid.UUID]
    referral: dict[str, Any]
    person: dict[str, Any]
    legacy_id: str


def build_region(
    client: TestClient, db_url: str, clock: Clock, factory: sessionmaker[Session]
) -> Region:
    """Old envelopes of two offices in clear; sealed copies of most records pushed since."""
    agadir = enrolled(client, db_url, "BAOM Agadir", clock())
    tiznit = enrolled(client, db_url, "BAOM Tiznit", clock())

    # Agadir: a person updated once, re-sealed; a person not re-sealed yet; a referral
    # re-sealed; an intake deleted before the upgrade (never re-sealed: nothing to keep).
    person = record(agadir.office_id, given_name=f"Awa {MARKER}", phone="0612345678")
    old_envelope(factory, agadir, clock, "person", person)
    person_v2 = {**person, "version": 2, "family_name": MARKER}
    old_envelope(factory, agadir, clock, "person", person_v2)
    unsent = record(agadir.office_id, given_name=f"Fatima {MARKER}")
    old_envelope(factory, agadir, clock, "person", unsent)
    slip = referral(agadir.office_id, reason=f"for {MARKER}")
    old_envelope(factory, agadir, clock, "referral", slip)
    gone = intake(agadir.office_id, {"name": MARKER})
    old_envelope(factory, agadir, clock, "intake", gone)
    old_envelope(factory, agadir, clock, "intake", {"id": gone["id"], "version": 1}, "delete")
    assert push(client, agadir, envelope("person", person_v2), envelope("referral", slip)) == [
        "accepted",
        "accepted",
    ]

    # Tiznit: a person re-sealed whose first envelope was not even JSON; a record of a kind
    # this version does not know, deleted; a person whose sealed copy the region refused.
    seen = record(tiznit.office_id, given_name=f"Hassan {MARKER}")
    old_envelope(factory, tiznit, clock, "person", seen, body=f"not json {MARKER}", error="bad")
    old_envelope(factory, tiznit, clock, "person", seen)
    legacy = {"id": str(uuid.uuid4()), "version": 1, "note": MARKER}
    old_envelope(factory, tiznit, clock, "legacy_note", legacy)
    deleted = {"id": legacy["id"], "version": 1}
    body = json_text({"id": legacy["id"]})
    old_envelope(factory, tiznit, clock, "legacy_note", deleted, "delete", body=body)
    refused = record(tiznit.office_id, given_name=f"Khadija {MARKER}")
    old_envelope(factory, tiznit, clock, "person", refused)
    stored_as_invalid(factory, tiznit, clock, envelope("person", refused))
    assert push(client, tiznit, envelope("person", {**seen, "version": 2})) == ["accepted"]

    waiting = {uuid.UUID(unsent["id"]), uuid.UUID(refused["id"])}
    return Region(agadir, tiznit, waiting, slip, person_v2, legacy["id"])


def payloads(engine: Engine) -> list[tuple[uuid.UUID, str, str]]:
    """Every stored envelope's record id, sealed copy and payload, from the raw table."""
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT entity_id, sealed, payload FROM envelope")).all()
    return [(uuid.UUID(str(entity_id)), sealed, payload) for entity_id, sealed, payload in rows]


def expected_report(region: Region, reduced: tuple[int, int]) -> dict[str, Any]:
    """The JSON report: Agadir 4 reduced and 1 waiting, Tiznit 3 and 1 (on a first run)."""
    offices = [
        {"office_id": region.agadir.office_id, "name": "BAOM Agadir", "reduced": reduced[0]},
        {"office_id": region.tiznit.office_id, "name": "BAOM Tiznit", "reduced": reduced[1]},
    ]
    return {
        "offices": [{**office, "waiting": 1} for office in offices],
        "reduced": sum(reduced),
        "waiting": 2,
    }


def run_json(capsys: pytest.CaptureFixture[str], db_url: str) -> dict[str, Any]:
    """``baom-regional privacy migrate --json``, which exits 0."""
    assert main(["privacy", "migrate", "--json", "--db", db_url]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    data: dict[str, Any] = json.loads(out)
    return data


def test_only_records_held_sealed_lose_their_clear_copy(
    client: TestClient,
    db_url: str,
    clock: Clock,
    engine: Engine,
    factory: sessionmaker[Session],
    capsys: pytest.CaptureFixture[str],
) -> None:
    region = build_region(client, db_url, clock, factory)
    before = payloads(engine)
    assert sum(MARKER in payload for _id, _sealed, payload in before) == 9

    assert run_json(capsys, db_url) == expected_report(region, (4, 3))

    after = payloads(engine)
    assert len(after) == len(before)
    for entity_id, sealed, payload in after:
        assert (MARKER in payload) == (entity_id in region.waiting and not sealed), payload
    assert sum(MARKER in payload for _id, _sealed, payload in after) == 2
    # sealed envelopes are never touched
    assert sorted(row for row in after if row[1]) == sorted(row for row in before if row[1])
    old = {(entity_id, payload) for entity_id, sealed, payload in after if not sealed}
    person_id = uuid.UUID(region.person["id"])
    assert {payload for entity_id, payload in old if entity_id == person_id} == {
        json_text({"id": region.person["id"], "office_id": region.agadir.office_id, "version": 1}),
        json_text({"id": region.person["id"], "office_id": region.agadir.office_id, "version": 2}),
    }
    slip_id = uuid.UUID(region.referral["id"])
    (slip,) = [json.loads(payload) for entity_id, payload in old if entity_id == slip_id]
    assert "token" not in slip and "reason" not in slip
    assert slip["token_hash"] == token_hash(region.referral["token"])
    assert slip["service_name"] == region.referral["service_name"]
    legacy_id = uuid.UUID(region.legacy_id)
    assert {payload for entity_id, payload in old if entity_id == legacy_id} == {
        json_text({"id": region.legacy_id})
    }
    assert json_text({}) in {payload for _entity_id, payload in old}  # the one not JSON

    # a second run reduces nothing and changes nothing
    assert run_json(capsys, db_url) == expected_report(region, (0, 0))
    assert sorted(payloads(engine)) == sorted(after)


def test_works_in_batches_with_one_transaction_each(
    client: TestClient,
    db_url: str,
    clock: Clock,
    engine: Engine,
    factory: sessionmaker[Session],
) -> None:
    region = build_region(client, db_url, clock, factory)
    commits: list[int] = []
    event.listen(engine, "commit", lambda _connection: commits.append(1))

    report = migrate(factory, batch_size=2)

    assert report.as_json() == expected_report(region, (4, 3))
    # the offices, then Agadir's 6 old envelopes and Tiznit's 5 in batches of at most 2
    assert len(commits) >= 1 + 3 + 3
    assert sum(MARKER in payload for _id, _sealed, payload in payloads(engine)) == 2
    commits.clear()
    assert migrate(factory, batch_size=1).as_json() == expected_report(region, (0, 0))
    assert len(commits) >= 1 + 6 + 5


def test_the_text_report_says_to_run_it_again(
    client: TestClient,
    db_url: str,
    clock: Clock,
    factory: sessionmaker[Session],
    capsys: pytest.CaptureFixture[str],
) -> None:
    region = build_region(client, db_url, clock, factory)
    assert main(["privacy", "migrate", "--db", db_url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{region.agadir.office_id}  BAOM Agadir  reduced=4 waiting=1"
    assert lines[1] == f"{region.tiznit.office_id}  BAOM Tiznit  reduced=3 waiting=1"
    assert lines[2] == "total: reduced=7 waiting=2"
    assert "run it again after those offices have synced" in lines[3]


def test_a_region_without_old_envelopes(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(capsys, db_url) == {"offices": [], "reduced": 0, "waiting": 0}


@pytest.mark.parametrize(
    ("entity_type", "payload", "expected"),
    [
        (
            "person",
            '{"id": "a", "office_id": "b", "version": 3, "given_name": "x"}',
            {"id": "a", "office_id": "b", "version": 3},
        ),
        ("legacy_note", '{"id": "a", "note": "x"}', {"id": "a"}),
        ("legacy_note", '{"id": {"name": "x"}, "note": "x"}', {}),
        ("legacy_note", '{"note": "x"}', {}),
        ("person", '["x"]', {}),
        ("person", "not json", {}),
        ("intake_draft", '{"id": "a", "answers": "x"}', {}),
        (
            "referral",
            '{"id": "a", "token": "t", "reason": "x"}',
            {"id": "a", "token_hash": token_hash("t")},
        ),
        (
            "referral",
            '{"id": "a", "token_hash": "h", "reason": "x"}',
            {"id": "a", "token_hash": "h"},
        ),
        (
            "setting",
            '{"id": "a", "key": "kiosk.exit_pin", "value": "h"}',
            {"id": "a", "key": "kiosk.exit_pin"},
        ),
    ],
)
def test_reduced_payload(entity_type: str, payload: str, expected: dict[str, Any]) -> None:
    reduced = reduced_payload(entity_type, payload)
    assert reduced == json_text(expected)
    assert reduced_payload(entity_type, reduced) == reduced
