"""Account changes made by the region: disabling (or enabling again) an office's account.

The server holds no accounts of its own; it knows an office's accounts from the
``user_account`` envelopes the office pushed. To stop an officer who left, across every
PC of the office, the region finds the account of that name in the latest payloads the
office pushed and appends a ``user_account`` change for that office carrying only the
account's id, name and ``disabled``, so that nothing else the office changed meanwhile is
put back. The office applies it at its next pull (``kiosk.sync.apply``), unless the
account has unsynced local changes there (then it becomes a ``sync_conflict``).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from regional.changes import append_change
from regional.models import ReceivedEnvelope
from regional.offices import OfficeError, get_office


@dataclass(frozen=True)
class AccountChange:
    """What ``set_account_disabled`` recorded."""

    seq: int
    office_id: uuid.UUID
    account_id: uuid.UUID
    name: str
    disabled: bool

    def as_json(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {
            "seq": self.seq,
            "office_id": str(self.office_id),
            "account_id": str(self.account_id),
            "name": self.name,
            "disabled": self.disabled,
        }


def _payload(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def latest_account(
    session: Session, office_id: uuid.UUID, name: str
) -> tuple[uuid.UUID, dict[str, Any]]:
    """The id and latest pushed payload of the office's account named ``name``.

    Only the envelopes the server accepted count; an account's latest envelope is the one
    with the highest version (the latest received among equals). An account whose latest
    envelope is a delete, or renamed since, is not that name any more.
    """
    rows = session.execute(
        select(
            ReceivedEnvelope.entity_id,
            ReceivedEnvelope.operation,
            ReceivedEnvelope.payload,
            ReceivedEnvelope.received_at,
        )
        .where(
            ReceivedEnvelope.office_id == office_id,
            ReceivedEnvelope.entity_type == "user_account",
            ReceivedEnvelope.error.is_(None),
        )
        .order_by(ReceivedEnvelope.version, ReceivedEnvelope.received_at, ReceivedEnvelope.id)
    ).all()
    latest: dict[uuid.UUID, tuple[datetime, dict[str, Any] | None]] = {}
    named_once = False
    for entity_id, operation, body, at in rows:  # ascending: the last one wins
        payload = _payload(body) if operation == "upsert" else None
        latest[entity_id] = (at, payload)
        named_once = named_once or (payload is not None and payload.get("name") == name)
    found = [
        (at, entity_id, payload)
        for entity_id, (at, payload) in latest.items()
        if payload is not None and payload.get("name") == name
    ]
    if not found and named_once:
        raise OfficeError(
            "unknown_account",
            f"Office {office_id}'s account {name!r} was renamed or deleted since: "
            "give its current name.",
        )
    if not found:
        raise OfficeError(
            "unknown_account", f"Office {office_id} has never pushed an account named {name!r}."
        )
    _, account_id, chosen = max(found, key=lambda item: item[0])
    return account_id, chosen


def set_account_disabled(
    session: Session, office_id: uuid.UUID, name: str, disabled: bool, now: datetime
) -> AccountChange:
    """Record a ``user_account`` change disabling (or enabling) one account of an office."""
    get_office(session, office_id)
    name = name.strip()
    account_id, payload = latest_account(session, office_id, name)
    payload = {"id": str(account_id), "name": payload["name"], "disabled": disabled}
    seq = append_change(session, office_id, "user_account", str(account_id), "upsert", payload, now)
    return AccountChange(seq, office_id, account_id, name, disabled)
