"""Pushing envelopes: accepted, duplicate, conflict, invalid; scoping and authentication."""

from __future__ import annotations

import json
import uuid

from fastapi.testclient import TestClient

from tests.unit.regional.factories import (
    Clock,
    enrolled,
    envelope,
    intake,
    push,
    record,
    referral,
)


def test_new_envelopes_are_accepted_and_resends_are_duplicates(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    first = envelope("person", record(office.office_id, given_name="Awa"))
    second = envelope("referral", referral(office.office_id))
    assert push(client, office, first, second) == ["accepted", "accepted"]
    assert push(client, office, second, first) == ["duplicate", "duplicate"]
    answer = client.get(f"/api/v1/envelopes/{first['id']}", headers=office.headers)
    assert answer.status_code == 200
    assert answer.json()["status"] == "stored"


def test_same_id_other_content_is_a_conflict_and_counted(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Tiznit", clock())
    payload = record(office.office_id, given_name="Awa")
    original = envelope("person", payload)
    assert push(client, office, original) == ["accepted"]
    changed = envelope("person", {**payload, "given_name": "Aya"}, envelope_id=original["id"])
    assert push(client, office, changed) == ["conflict"]
    same_batch = envelope("person", record(office.office_id))
    twin = dict(same_batch, content_hash="0" * 64)
    assert push(client, office, same_batch, twin) == ["accepted", "conflict"]
    from tests.unit.regional.test_cli import office_list  # the CLI shows the count

    row = office_list(db_url)[0]
    assert row["quarantined"] == 2
    assert row["envelopes"] == 2


def test_invalid_payloads_are_kept_with_their_reason(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Inezgane", clock())
    other_office = str(uuid.uuid4())
    cases = [
        envelope("spaceship", record(office.office_id)),
        envelope("person", record(other_office)),
        envelope("referral", referral(office.office_id, priority="whenever")),
        dict(envelope("person", record(office.office_id)), payload="[1, 2]"),
        dict(envelope("person", record(office.office_id)), payload="not json"),
        dict(envelope("person", record(office.office_id)), payload="[" * 15_000),
        envelope("person", record(office.office_id, given_name="Awa"), clear=False),
        envelope("intake", intake(office.office_id, {"person.given_name": "Awa"}), clear=False),
        dict(envelope("person", record(office.office_id)), sealed=""),
        dict(envelope("person", record(office.office_id)), entity_id=str(uuid.uuid4())),
    ]
    answer = client.post("/api/v1/push", json={"envelopes": cases}, headers=office.headers)
    results = answer.json()["results"]
    assert [result["verdict"] for result in results] == ["invalid"] * len(cases)
    assert all(result["detail"] for result in results)
    status = client.get(f"/api/v1/envelopes/{cases[0]['id']}", headers=office.headers).json()
    assert status["status"] == "invalid"
    assert "spaceship" in status["error"]
    kept_home = [result["detail"] for result in results[6:8]]
    assert all("the data inventory keeps these fields at the office" in d for d in kept_home)
    assert "given_name" in kept_home[0] and "answers" in kept_home[1]
    assert results[8]["detail"] == "sealed: every record travels with its sealed copy"
    assert push(client, office, *cases) == ["duplicate"] * len(cases)


def test_deletions_carry_only_the_id(client: TestClient, db_url: str, clock: Clock) -> None:
    office = enrolled(client, db_url, "BAOM Taroudant", clock())
    payload = referral(office.office_id)
    gone = envelope("referral", {"id": payload["id"]}, operation="delete", version=1)
    assert push(client, office, envelope("referral", payload), gone) == ["accepted", "accepted"]


def test_push_needs_a_valid_token(client: TestClient, db_url: str, clock: Clock) -> None:
    body = {"envelopes": []}
    assert client.post("/api/v1/push", json=body).status_code == 401
    bad = {"Authorization": "Bearer nope"}
    answer = client.post("/api/v1/push", json=body, headers=bad)
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"


def test_another_offices_envelope_is_not_found_nor_overwritten(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    first = enrolled(client, db_url, "BAOM Agadir", clock())
    second = enrolled(client, db_url, "BAOM Tata", clock())
    mine = envelope("person", record(first.office_id, given_name="Awa"))
    assert push(client, first, mine) == ["accepted"]
    answer = client.get(f"/api/v1/envelopes/{mine['id']}", headers=second.headers)
    assert answer.status_code == 404
    assert "Awa" not in answer.text
    stolen = envelope("person", record(second.office_id), envelope_id=uuid.UUID(mine["id"]))
    answer = client.post("/api/v1/push", json={"envelopes": [stolen]}, headers=second.headers)
    assert answer.json()["results"][0]["verdict"] == "conflict"
    assert "Awa" not in answer.text and first.office_id not in answer.text


def test_malformed_requests_are_422_error_bodies(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    for body in ({"envelopes": "x"}, {"nope": 1}, [1]):
        answer = client.post("/api/v1/push", json=body, headers=office.headers)
        assert answer.status_code == 422
        assert answer.json()["error"] == "invalid_request"
    answer = client.post(
        "/api/v1/push",
        content=b"{not json",
        headers={**office.headers, "content-type": "application/json"},
    )
    assert answer.status_code == 422
    assert json.loads(answer.text)["error"] == "invalid_request"
