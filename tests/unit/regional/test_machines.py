"""An office's machines: a code replaces them or adds one; each PC gets the others' records."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from kiosk.sync.client import RegionalClient
from kiosk.sync.errors import MachineReplaced
from protocol.bundle import EnvelopeBundle, open_changes, seal_envelopes
from protocol.wire import Envelope
from regional import bundle
from regional.bundle_keys import KeyFile
from regional.cli import main
from regional.clock import utcnow
from regional.database import make_engine, session_factory
from regional.models import OfficeMachine
from regional.offices import add_office, issue_code
from tests.unit.regional.factories import Clock, Enrolled, enrolled, envelope, push, record
from tests.unit.regional.test_cli import office_list, run


def _join(
    client: TestClient, db_url: str, office: Enrolled, clock: Clock, adds_machine: bool
) -> Enrolled:
    """Another PC of ``office`` enrolled, a minute later, with a new code of the given kind."""
    clock.advance(timedelta(minutes=1))
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session, session.begin():
            code = issue_code(
                session, uuid.UUID(office.office_id), clock(), adds_machine, not adds_machine
            )
    finally:
        engine.dispose()
    answer = client.post("/api/v1/enrol", json={"code": code, "machine": "counter 2"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["office_id"] == office.office_id
    headers = {"Authorization": f"Bearer {body['token']}"}
    return Enrolled(office.office_id, office.name, body["token"], headers)


def _machines(db_url: str, office: Enrolled) -> list[OfficeMachine]:
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session:
            return list(
                session.scalars(
                    select(OfficeMachine)
                    .where(OfficeMachine.office_id == uuid.UUID(office.office_id))
                    .order_by(OfficeMachine.enrolled_at)
                )
            )
    finally:
        engine.dispose()


def _records(client: TestClient, pc: Enrolled) -> set[str]:
    """The ids of the office records this PC gets back from the start."""
    answer = client.get("/api/v1/pull", headers=pc.headers)
    assert answer.status_code == 200, answer.text
    changes = answer.json()["changes"]
    return {
        change["payload"]["entity_id"]
        for change in changes
        if change["entity_type"] == "office_record"
    }


def test_a_replacing_code_revokes_the_old_machine(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    first = enrolled(client, db_url, "BAOM Agadir", clock())
    second = _join(client, db_url, first, clock, adds_machine=False)
    refused = client.get("/api/v1/pull", headers=first.headers)
    assert refused.status_code == 401 and refused.json()["error"] == "machine_replaced"
    assert client.get("/api/v1/pull", headers=second.headers).status_code == 200
    old, new = _machines(db_url, first)
    assert old.revoked_at is not None and new.revoked_at is None and new.name == "counter 2"
    assert old.replaced_by == new.id
    assert office_list(db_url)[0]["machines"] == 1


def test_an_added_machine_keeps_the_others(client: TestClient, db_url: str, clock: Clock) -> None:
    first = enrolled(client, db_url, "BAOM Agadir", clock())
    second = _join(client, db_url, first, clock, adds_machine=True)
    for pc in (first, second):
        assert client.get("/api/v1/pull", headers=pc.headers).status_code == 200
    assert [machine.revoked_at for machine in _machines(db_url, first)] == [None, None]
    assert office_list(db_url)[0]["machines"] == 2
    third = _join(client, db_url, first, clock, adds_machine=False)  # a lost counter, say
    for pc, status in ((first, 401), (second, 401), (third, 200)):
        assert client.get("/api/v1/pull", headers=pc.headers).status_code == status


def test_each_machine_gets_the_others_records_not_its_own(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    first = enrolled(client, db_url, "BAOM Agadir", clock())
    second = _join(client, db_url, first, clock, adds_machine=True)
    made_first = record(first.office_id, given_name="Aminata")
    made_second = record(first.office_id, given_name="Moussa")
    assert push(client, first, envelope("person", made_first)) == ["accepted"]
    assert push(client, second, envelope("person", made_second)) == ["accepted"]
    assert _records(client, first) == {made_second["id"]}
    assert _records(client, second) == {made_first["id"]}


def test_bundles_from_either_machine_import(
    client: TestClient, db_url: str, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    first = enrolled(client, db_url, "BAOM Agadir", clock())
    second = _join(client, db_url, first, clock, adds_machine=True)
    keys = KeyFile(client.app.state.regional.settings.secret_path)  # type: ignore[attr-defined]
    factory = client.app.state.regional.factory  # type: ignore[attr-defined]
    made: dict[str, str] = {}
    for pc in (first, second):
        payload = record(first.office_id)
        made[pc.token] = payload["id"]
        body = EnvelopeBundle(
            office_id=uuid.UUID(first.office_id),
            created_at=datetime(2026, 11, 29, 12, 0),
            envelopes=[Envelope.model_validate(envelope("person", payload))],
        )
        _, results = bundle.import_bundle(factory, keys, seal_envelopes(body, pc.token), utcnow)
        assert [str(result.verdict) for result in results] == ["accepted"]
    # pushed as the machine whose bundle it was: the other one gets it back
    assert _records(client, first) == {made[second.token]}
    assert _records(client, second) == {made[first.token]}

    office_id = uuid.UUID(first.office_id)
    latest = bundle.export_bundle(factory, keys, office_id, 0, utcnow)
    records = open_changes(latest, second.token).changes
    assert [change.payload["entity_id"] for change in records] == [made[first.token]]  # type: ignore[index]
    older = _machines(db_url, first)[0].id
    out = client.app.state.regional.settings.data_dir / "first.bundle"  # type: ignore[attr-defined]
    code, _, err = run(
        capsys, "export-bundle", first.office_id, str(out), "--machine", str(older), "--db", db_url
    )
    assert code == 0, err
    records = open_changes(out.read_bytes(), first.token).changes
    assert [change.payload["entity_id"] for change in records] == [made[second.token]]  # type: ignore[index]
    unknown = str(uuid.uuid4())
    code, _, err = run(
        capsys, "export-bundle", first.office_id, str(out), "--machine", unknown, "--db", db_url
    )
    assert code == 1 and "no live machine" in err


def test_the_code_command_says_which_kind(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "office", "add", "BAOM Agadir", "--json", "--db", db_url)
    office_id = json.loads(out)["office_id"]
    for flag, adds in (((), False), (("--add-machine",), True)):
        code, out, err = run(capsys, "office", "code", office_id, *flag, "--json", "--db", db_url)
        assert code == 0, err
        assert json.loads(out)["adds_machine"] is adds


def _enrol(client: TestClient, code: str, machine: str = "counter 2") -> tuple[int, dict[str, str]]:
    answer = client.post("/api/v1/enrol", json={"code": code, "machine": machine})
    body: dict[str, str] = answer.json()
    return answer.status_code, body


def test_a_new_code_voids_the_earlier_unused_ones(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session, session.begin():
            office_id, first = add_office(session, "BAOM Agadir", clock())
            second = issue_code(session, office_id, clock())  # never enrolled: needs no flag
        assert _enrol(client, first)[0] == 401  # the earlier unused code no longer works
        status, body = _enrol(client, second, "desk-1")
        assert status == 200, body
        with session_factory(engine)() as session, session.begin():
            adding = issue_code(session, office_id, clock(), adds_machine=True)
            replacing = issue_code(session, office_id, clock(), replace=True)
            added_last = issue_code(session, office_id, clock(), adds_machine=True)
    finally:
        engine.dispose()
    for voided in (adding, replacing):  # both kinds
        status, body = _enrol(client, voided)
        assert (status, body["error"]) == (401, "enrolment_refused")
    assert _enrol(client, added_last)[0] == 200


def test_a_code_for_an_enrolled_office_needs_replace_or_add_machine(
    client: TestClient, db_url: str, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    first = enrolled(client, db_url, "BAOM Agadir", clock())
    code, out, err = run(capsys, "office", "code", first.office_id, "--db", db_url)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "--replace" in err and "--add-machine" in err
    with pytest.raises(SystemExit):
        main(["office", "code", first.office_id, "--replace", "--add-machine", "--db", db_url])
    capsys.readouterr()
    code, out, err = run(
        capsys, "office", "code", first.office_id, "--replace", "--json", "--db", db_url
    )
    assert code == 0, err
    assert json.loads(out)["replaces"] is True
    clock.advance(timedelta(days=1))
    status, body = _enrol(client, json.loads(out)["enrolment_code"], "new desk")
    assert status == 200, body
    code, out, err = run(capsys, "office", "machines", first.office_id, "--json", "--db", db_url)
    assert code == 0, err
    old, new = sorted(json.loads(out), key=lambda machine: machine["enrolled_at"])
    assert new["name"] == "new desk" and new["revoked_at"] is None and new["replaced_by"] is None
    assert old["revoked_at"] is not None
    assert old["replaced_by"] == new["machine_id"]
    assert old["replaced_by_name"] == "new desk"
    refused = client.post("/api/v1/push", json={"envelopes": []}, headers=first.headers)
    assert refused.status_code == 401
    assert refused.json()["error"] == "machine_replaced"
    assert old["revoked_at"][:10] in refused.json()["message"]


def test_the_replaced_pc_is_told_in_a_sync_error_of_its_own(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    first = enrolled(client, db_url, "BAOM Agadir", clock())
    _join(client, db_url, first, clock, adds_machine=False)

    def app(request: httpx.Request) -> httpx.Response:  # the app in-process, as a server
        answer = client.request(
            request.method, str(request.url), content=request.content, headers=request.headers
        )
        return httpx.Response(answer.status_code, content=answer.content)

    transport = httpx.MockTransport(app)
    with (
        RegionalClient("http://testserver", first.token, transport) as regional,
        pytest.raises(MachineReplaced) as refusal,
    ):
        regional.pull(0)
    assert refusal.value.kind == "replaced"
    assert clock().date().isoformat() in str(refusal.value)
