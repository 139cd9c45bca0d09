"""Request body limits: refused from Content-Length unread, chunked bodies cut, nothing stored."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient

from protocol import wire
from regional.app import create_app
from regional.config import Settings
from regional.limits import FORM_MAX_BYTES, OTHER_MAX_BYTES, PUSH_MAX_BYTES, BodyLimits
from regional.offices import revoke
from tests.unit.regional.factories import Clock, enrolled, envelope, record, referral

JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _call(
    app: Any, path: str, declared: int | None, chunk: int = 0, token: str = ""
) -> tuple[int, bytes, int]:
    """One POST straight through the ASGI app: ``declared`` bytes, or 1,000 chunks; with
    ``token`` as its bearer token if given.

    Returns the status, the response body and how many times the app asked for the body.
    """
    headers = [(b"host", b"testserver")]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    if declared is not None:
        headers.append((b"content-length", str(declared).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    reads = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal reads
        reads += 1
        if declared is not None:
            return {"type": "http.request", "body": b"a" * declared, "more_body": False}
        return {"type": "http.request", "body": b"a" * chunk, "more_body": reads < 1000}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    anyio.run(app, scope, receive, send)
    body = b"".join(message.get("body", b"") for message in sent[1:])
    return sent[0]["status"], body, reads


def _app(tmp_path: Path) -> Any:
    """The app on a database that is never opened (a refusal must not need it)."""
    return create_app(Settings(db_url=f"sqlite:///{tmp_path / 'none.db'}", data_dir=tmp_path))


@pytest.mark.parametrize(
    ("path", "limit"),
    [
        ("/api/v1/push", OTHER_MAX_BYTES),  # without a token: see below
        ("/api/v1/enrol", OTHER_MAX_BYTES),
        ("/api/v1/health", OTHER_MAX_BYTES),
        ("/r/" + "x" * 22, FORM_MAX_BYTES),
    ],
)
def test_a_declared_length_over_the_limit_is_refused_unread(
    path: str, limit: int, tmp_path: Path
) -> None:
    status, body, reads = _call(_app(tmp_path), path, limit + 1)
    assert (status, reads) == (413, 0)
    if path.startswith("/r/"):
        assert b"<h1>Erreur</h1><p>Formulaire trop long.</p>" in body
    else:
        refusal = json.loads(body)
        assert refusal["error"] == "payload_too_large" and str(limit) in refusal["message"]
    assert not (tmp_path / "none.db").exists()  # not even the database was opened


@pytest.mark.parametrize(
    ("path", "limit"),
    [("/api/v1/enrol", OTHER_MAX_BYTES), ("/r/" + "x" * 22, FORM_MAX_BYTES)],
)
def test_a_chunked_body_is_cut_once_past_the_limit(
    path: str, limit: int, settings: Settings
) -> None:
    app = create_app(settings)
    with TestClient(app):
        status, body, reads = _call(app, path, None, chunk=1000)
    assert status == 413
    assert reads == limit // 1000 + 1  # the first chunk past the limit; 1,000 were offered
    if path.startswith("/r/"):
        assert b"Formulaire trop long." in body
    else:
        assert json.loads(body)["error"] == "payload_too_large"


def _settings(settings: Settings, limits: BodyLimits) -> Settings:
    return Settings(settings.db_url, settings.data_dir, settings.clock, body_limits=limits)


def test_a_push_over_its_limit_stores_nothing(
    settings: Settings, db_url: str, clock: Clock
) -> None:
    with TestClient(create_app(settings)) as client:
        office = enrolled(client, db_url, "BAOM Agadir", clock())
    batch = [envelope("person", record(office.office_id)) for _ in range(3)]
    body = json.dumps({"envelopes": batch}).encode()
    refusing = _settings(settings, BodyLimits(push=len(body) - 1))
    with TestClient(create_app(refusing)) as client:
        headers = {**office.headers, **JSON}
        whole = client.post("/api/v1/push", content=body, headers=headers)
        halves = iter([body[: len(body) // 2], body[len(body) // 2 :]])
        chunked = client.post("/api/v1/push", content=halves, headers=headers)
        for answer in (whole, chunked):
            assert answer.status_code == 413
            assert answer.json()["error"] == "payload_too_large"
        for item in batch:
            status = client.get(f"/api/v1/envelopes/{item['id']}", headers=office.headers)
            assert status.status_code == 404
    with TestClient(create_app(_settings(settings, BodyLimits(push=len(body))))) as client:
        answer = client.post("/api/v1/push", content=body, headers=headers)
    assert [result["verdict"] for result in answer.json()["results"]] == ["accepted"] * 3


def _form(nonce: str, size: int) -> bytes:
    head = f"nonce={nonce}&outcome=received&provided="
    return (head + "x" * (size - len(head))).encode()


def test_a_form_over_its_limit_records_nothing(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    payload = referral(office.office_id)
    push_answer = client.post(
        "/api/v1/push",
        json={"envelopes": [envelope("referral", payload)]},
        headers=office.headers,
    )
    assert push_answer.status_code == 200
    token = payload["token"]
    found = re.search(r'name="nonce" value="([0-9a-f]+)"', client.get(f"/r/{token}").text)
    assert found
    over = client.post(f"/r/{token}", content=_form(found.group(1), 8_001), headers=FORM)
    assert over.status_code == 413 and "Formulaire trop long." in over.text
    changes = client.get("/api/v1/pull", headers=office.headers).json()["changes"]
    assert [c for c in changes if c["entity_type"] == "referral_outcome"] == []
    at_limit = client.post(f"/r/{token}", content=_form(found.group(1), 8_000), headers=FORM)
    assert at_limit.status_code == 200 and "Merci" in at_limit.text


def test_the_client_cuts_its_pushes_to_the_push_limit() -> None:
    """The largest envelope the client may send (a clear part of 4-byte characters, the
    longest sealed copy) fits a push, and a batch of them goes in pushes that fill the limit
    without passing it."""
    payload = '"' + "\U0001f600" * (wire.MAX_PAYLOAD_CHARS - 2) + '"'
    largest = wire.Envelope(
        id=uuid.uuid4(),
        entity_type="e" * 64,
        entity_id=uuid.uuid4(),
        operation="upsert",
        base_version=2**31 - 1,
        version=2**31 - 1,
        content_hash="f" * 64,
        payload=payload,
        sealed="A" * wire.MAX_SEALED_CHARS,
        created_at=datetime(2026, 11, 29, 23, 59, 59, 999999),
    )
    one = len(wire.PushRequest(envelopes=[largest]).model_dump_json().encode())
    assert one < PUSH_MAX_BYTES // 30
    runs = list(wire.push_sized([largest] * 100))
    sizes = [len(wire.PushRequest(envelopes=run).model_dump_json().encode()) for run in runs]
    assert sum(len(run) for run in runs) == 100
    assert all(PUSH_MAX_BYTES - one < size <= PUSH_MAX_BYTES for size in sizes[:-1])
    assert sizes[-1] <= PUSH_MAX_BYTES


def test_the_schema_documents_413_where_a_body_is_taken(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/enrol", "/api/v1/push"):
        schema = paths[path]["post"]["responses"]["413"]["content"]["application/json"]
        assert schema["schema"]["$ref"].endswith("/ErrorBody")
    assert "413" not in paths["/api/v1/pull"]["get"]["responses"]


def test_only_a_live_pcs_push_gets_the_push_limit(
    settings: Settings, db_url: str, clock: Clock
) -> None:
    """A stranger's push (no token, an unknown one, a revoked PC's) gets the small limit,
    decided from its headers before any of its body is read."""
    app = create_app(settings)
    with TestClient(app) as client:
        office = enrolled(client, db_url, "BAOM Agadir", clock())
        revoked = enrolled(client, db_url, "BAOM Tiznit", clock())
        factory = app.state.regional.factory
        with factory() as session, session.begin():
            revoke(session, uuid.UUID(revoked.office_id), clock())
        for token in ("", "not-a-known-token", revoked.token):
            status, body, reads = _call(app, "/api/v1/push", OTHER_MAX_BYTES + 1, token=token)
            assert (status, reads) == (413, 0), token
            assert str(OTHER_MAX_BYTES) in json.loads(body)["message"]
        status, _, reads = _call(app, "/api/v1/push", OTHER_MAX_BYTES + 1, token=office.token)
        assert status == 422 and reads == 1  # the push's limit: its body is read (not JSON)
        status, body, reads = _call(app, "/api/v1/push", PUSH_MAX_BYTES + 1, token=office.token)
        assert (status, reads) == (413, 0)
        assert str(PUSH_MAX_BYTES) in json.loads(body)["message"]


def test_a_strangers_chunked_push_is_cut_at_the_small_limit(
    settings: Settings, db_url: str, clock: Clock
) -> None:
    app = create_app(settings)
    with TestClient(app):
        status, _, reads = _call(app, "/api/v1/push", None, chunk=1000, token="fake")
    assert status == 401 and reads == 0  # refused by its token before any chunk is read
