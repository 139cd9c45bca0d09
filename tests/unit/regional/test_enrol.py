"""Enrolment codes (single use, 24 hours), tokens, revocation and maintenance mode."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from regional.config import Settings
from regional.database import make_engine, session_factory
from regional.offices import CODE_ALPHABET, add_office, hash_code, revoke
from tests.unit.regional.factories import Clock, Enrolled, enrolled, envelope, push, record


def _code(db_url: str, clock: Clock, name: str = "BAOM Agadir") -> tuple[str, str]:
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session, session.begin():
            office_id, code = add_office(session, name, clock())
    finally:
        engine.dispose()
    return str(office_id), code


def test_a_code_is_typeable_and_only_its_hash_is_kept(db_url: str, clock: Clock) -> None:
    _office_id, code = _code(db_url, clock)
    letters = code.replace("-", "")
    assert len(letters) == 12 and set(letters) <= set(CODE_ALPHABET)
    assert not set("0O1IL") & set(letters)
    engine = make_engine(db_url)
    with engine.connect() as connection:
        dump = str(connection.exec_driver_sql("SELECT * FROM enrolment_code").all())
    engine.dispose()
    assert letters not in dump and hash_code(code) in dump


def test_a_code_works_once(client: TestClient, db_url: str, clock: Clock) -> None:
    office_id, code = _code(db_url, clock)
    answer = client.post("/api/v1/enrol", json={"code": code.lower().replace("-", " ")})
    assert answer.status_code == 200
    body = answer.json()
    assert body["office_id"] == office_id and body["name"] == "BAOM Agadir"
    assert len(body["token"]) >= 43
    again = client.post("/api/v1/enrol", json={"code": code})
    assert again.status_code == 401
    assert again.json()["error"] == "enrolment_refused"


def test_a_code_expires_after_24_hours(client: TestClient, db_url: str, clock: Clock) -> None:
    _office_id, code = _code(db_url, clock)
    clock.advance(timedelta(hours=24, seconds=1))
    answer = client.post("/api/v1/enrol", json={"code": code})
    assert answer.status_code == 401
    assert answer.json()["error"] == "enrolment_refused"


def test_an_unknown_code_is_refused(client: TestClient) -> None:
    answer = client.post("/api/v1/enrol", json={"code": "ABCD-EFGH-JKMN"})
    assert answer.status_code == 401
    assert answer.json() == {
        "error": "enrolment_refused",
        "message": "This enrolment code is unknown, used or expired.",
    }


def test_a_revoked_office_is_refused_everywhere(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Tiznit", clock())
    assert client.get("/api/v1/pull", headers=office.headers).status_code == 200
    engine = make_engine(db_url)
    with session_factory(engine)() as session, session.begin():
        import uuid

        revoke(session, uuid.UUID(office.office_id), clock())
    engine.dispose()
    calls = [
        ("GET", "/api/v1/pull", None),
        ("POST", "/api/v1/push", {"envelopes": []}),
        ("GET", f"/api/v1/envelopes/{office.office_id}", None),
    ]
    for method, path, body in calls:
        answer = client.request(method, path, json=body, headers=office.headers)
        assert answer.status_code == 401
        assert answer.json()["error"] == "office_revoked"
        assert "revoked" in answer.json()["message"]


@pytest.mark.parametrize("how", ["file", "environment"])
def test_maintenance_answers_503_with_retry_after(
    how: str, client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client.get("/api/v1/health").json() == {"status": "ok"}
    if how == "file":
        (Path(settings.data_dir) / "maintenance").touch()
    else:
        monkeypatch.setenv("BAOM_REGIONAL_MAINTENANCE", "1")
    for path in ("/api/v1/health", "/api/v1/pull", "/stats"):
        answer = client.get(path)
        assert answer.status_code == 503
        assert answer.headers["Retry-After"]
        assert answer.json()["error"] == "maintenance"
    assert client.post("/api/v1/enrol", json={"code": "ABCDEFGH"}).status_code == 503


AUTHENTICATED = [
    ("GET", "/api/v1/pull", None),
    ("POST", "/api/v1/push", {"envelopes": []}),
    ("GET", "/api/v1/envelopes/00000000-0000-0000-0000-000000000000", None),
]


@pytest.mark.parametrize(("method", "path", "body"), AUTHENTICATED)
def test_every_office_endpoint_needs_a_token(
    method: str, path: str, body: object, client: TestClient
) -> None:
    for headers in (None, {"Authorization": "Bearer " + "x" * 43}, {"Authorization": "x"}):
        answer = client.request(method, path, json=body, headers=headers)
        assert answer.status_code == 401
        assert answer.json()["error"] == "unauthorized"
        assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_an_office_keeps_the_id_its_database_gave_its_records(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    local_id = str(uuid.uuid4())
    _office_id, code = _code(db_url, clock)
    answer = client.post("/api/v1/enrol", json={"code": code, "local_office_id": local_id})
    assert answer.status_code == 200
    headers = {"Authorization": f"Bearer {answer.json()['token']}"}
    office = Enrolled(answer.json()["office_id"], "BAOM Agadir", "", headers)
    mine, theirs = record(local_id), record(answer.json()["office_id"])
    assert push(client, office, envelope("person", mine), envelope("person", theirs)) == [
        "accepted",
        "invalid",  # the office's records carry its own id, never another
    ]
    _other, second_code = _code(db_url, clock, "BAOM Tiznit")
    taken = client.post("/api/v1/enrol", json={"code": second_code, "local_office_id": local_id})
    assert taken.status_code == 401 and taken.json()["error"] == "enrolment_refused"
