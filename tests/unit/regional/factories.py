"""Envelopes and payloads as an office makes them (same clear parts, sealing and hashing as
``db.uow``)."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from protocol.privacy import content_hash, data_key, inventory, json_text, leaving_parts, seal
from regional.database import make_engine, session_factory
from regional.models import PublishedStats
from regional.offices import add_office


@dataclass
class Clock:
    """A settable clock (naive UTC)."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward."""
        self.now += delta


def iso(value: datetime) -> str:
    """A time as the office writes it."""
    return value.isoformat()


OFFICE_KEY = data_key(bytes(range(16)))
"""The data key the test offices seal their records with (the region never has it)."""


def envelope(
    entity_type: str,
    payload: dict[str, Any],
    operation: str = "upsert",
    version: int | None = None,
    envelope_id: uuid.UUID | None = None,
    *,
    clear: bool = True,
) -> dict[str, Any]:
    """An envelope on the wire (JSON-ready) as ``db.uow`` makes one from a whole record:
    its clear part and its sealed copy. ``clear=False`` sends the whole record in clear
    (what an office must never do)."""
    version = payload.get("version", 1) if version is None else version
    entity_id = payload["id"]
    if clear and entity_type in inventory().records:
        body, sealed = leaving_parts(
            OFFICE_KEY, entity_type, uuid.UUID(entity_id), version, payload
        )
    else:
        body = json_text(payload)
        sealed = seal(OFFICE_KEY, entity_type, uuid.UUID(entity_id), version, body)
    op = "delete" if operation == "delete" else ("create" if version == 1 else "update")
    return {
        "id": str(envelope_id or uuid.uuid4()),
        "entity_type": entity_type,
        "entity_id": entity_id,
        "operation": operation,
        "base_version": max(0, version - 1) if operation == "upsert" else version,
        "version": version,
        "content_hash": content_hash(entity_type, entity_id, op, version, body, sealed),
        "payload": body,
        "sealed": sealed,
        "created_at": "2026-11-29T10:00:00",
    }


def record(office_id: str, version: int = 1, **fields: Any) -> dict[str, Any]:
    """A record payload with the columns every synced record has."""
    return {
        "id": str(uuid.uuid4()),
        "office_id": office_id,
        "created_at": "2026-11-29T09:00:00",
        "updated_at": "2026-11-29T09:00:00",
        "version": version,
        **fields,
    }


def referral(office_id: str, version: int = 1, **fields: Any) -> dict[str, Any]:
    """A referral payload (``db.cases.Referral``)."""
    values: dict[str, Any] = {
        "case_id": str(uuid.uuid4()),
        "need_key": "health",
        "service_id": str(uuid.uuid4()),
        "service_name": "Centre de santé Tikiouine",
        "organization_name": "Ministère de la Santé",
        "code": "K7M-4PX",
        "token": secrets.token_urlsafe(16),
        "priority": "urgent",
        "state": "sent",
        "due_at": "2026-12-02T09:00:00",
        "consent_share": True,
        "override_reason": "",
        "redirected_from_id": None,
        "reason": "",
        "provided": "",
        "outcome_on": None,
        "sent_at": "2026-11-29T09:05:00",
    }
    values.update(fields)
    return record(office_id, version, **values)


def intake(office_id: str, answers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """An intake payload; ``answers`` is stored as JSON text like the office does."""
    values: dict[str, Any] = {
        "case_id": str(uuid.uuid4()),
        "ticket_id": None,
        "form_id": "intake",
        "form_version": 1,
        "language": "fr",
        "consent_record": True,
        "consent_share": True,
        "consent_stats": True,
        "consent_method": "verbal",
        "answers": json.dumps(answers),
        "at": "2026-11-29T09:30:00",
    }
    values.update(fields)
    return record(office_id, **values)


@dataclass
class Enrolled:
    """An enrolled office: its id, token and auth header."""

    office_id: str
    name: str
    token: str
    headers: dict[str, str] = field(default_factory=dict)


def enrolled(client: TestClient, db_url: str, name: str, now: datetime) -> Enrolled:
    """Register and enrol an office through the API."""
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session, session.begin():
            _office_id, code = add_office(session, name, now)
    finally:
        engine.dispose()
    answer = client.post("/api/v1/enrol", json={"code": code, "machine": "test"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return Enrolled(
        body["office_id"], name, body["token"], {"Authorization": f"Bearer {body['token']}"}
    )


def push(client: TestClient, office: Enrolled, *envelopes: dict[str, Any]) -> list[str]:
    """Push envelopes; returns the verdicts."""
    answer = client.post(
        "/api/v1/push", json={"envelopes": list(envelopes)}, headers=office.headers
    )
    assert answer.status_code == 200, answer.text
    return [result["verdict"] for result in answer.json()["results"]]


def as_published_before(
    db_url: str, month: str, tables: Iterable[str] = (), keys: Iterable[str] = ()
) -> None:
    """Make ``month``'s publication look as it was before ``tables`` (with their hidden
    cells) and ``keys`` were added to what the region publishes."""
    engine = make_engine(db_url)
    with session_factory(engine)() as session, session.begin():
        stored = session.get(PublishedStats, month)
        assert stored is not None
        body = json.loads(stored.body)
        for table in tables:
            del body[table], body["hidden"][table]
        for key in keys:
            del body[key]
        stored.body = json.dumps(body)
    engine.dispose()
