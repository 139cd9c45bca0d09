"""Receiving pushed envelopes: idempotent, one transaction per batch, safe under races.

Per envelope: a new id is stored and ``accepted`` (or stored with its reason and answered
``invalid`` when its payload fails validation, or when it is a referral whose token is
already another referral's); the same id with the same hash from the
same office is a ``duplicate``; anything else under a known id is a ``conflict``, counted
against the office. Two pushes racing on the same new id: the loser's transaction fails
on the primary key and the whole batch is retried, where it finds the winner's row.

A tombstone (``erase``: the record was erased at the office) destroys what the server holds
of the record's earlier versions once the batch is stored (:func:`erase_earlier`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from protocol.wire import Envelope, PushResult, Verdict
from regional.changes import OFFICE_RECORD, append_many
from regional.models import Office, ReceivedEnvelope, ReferralView, ServerChange
from regional.payloads import MAX_INT, InvalidPayload, ReferralPayload, storable, validate
from regional.projections import project

_ATTEMPTS = 8
_TOKEN_LOCKS = 7_245_103
"""The PostgreSQL advisory lock space of referral tokens (two-key locks: the space, then
part of the token's hash), so two pushes of one token cannot both find it free."""


class PushBusy(Exception):
    """The batch could not be stored after several attempts (the client retries later)."""


class Unstorable(ValueError):
    """An envelope that no database can store as it is (the whole request is refused)."""


def check_storable(envelopes: Sequence[Envelope]) -> None:
    """Refuse numbers too large for the database and text that is not valid UTF-8 or has NUL."""
    for envelope in envelopes:
        if max(envelope.version, envelope.base_version) > MAX_INT:
            raise Unstorable(f"envelope {envelope.id}: version above {MAX_INT}")
        if not storable(envelope.payload):
            raise Unstorable(f"envelope {envelope.id}: payload has NUL or invalid Unicode")


def check_token_free(session: Session, parsed: BaseModel) -> None:
    """Refuse a referral whose token is already another referral's (another id, any office).

    A slip's token opens one referral's partner page: an office that copied it from another
    referral (its own or another office's slip) would otherwise hide or take that page.
    """
    if not isinstance(parsed, ReferralPayload):
        return
    if session.get_bind().dialect.name == "postgresql":  # SQLite: one writer at a time
        part = int(parsed.token_hash[:7], 16)  # fits a PostgreSQL integer
        session.execute(
            text("SELECT pg_advisory_xact_lock(:space, :part)"),
            {"space": _TOKEN_LOCKS, "part": part},
        )
    holder = session.scalar(
        select(ReferralView.id)
        .where(ReferralView.token_hash == parsed.token_hash, ReferralView.id != parsed.id)
        .limit(1)
    )
    if holder is not None:
        raise InvalidPayload("token_hash: this token is already another referral's")


def _known(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[uuid.UUID, str]]:
    rows = session.execute(
        select(
            ReceivedEnvelope.id, ReceivedEnvelope.office_id, ReceivedEnvelope.content_hash
        ).where(ReceivedEnvelope.id.in_(ids))
    ).all()
    return {key: (office, digest) for key, office, digest in rows}


def push_once(
    session: Session,
    office_id: uuid.UUID,
    envelopes: Sequence[Envelope],
    now: datetime,
    origin: str | None = None,
) -> list[PushResult]:
    """The verdicts on a batch, written in ``session``'s transaction (the caller commits).

    Each accepted envelope also becomes an ``office_record`` change for its office (its
    sealed copy, for a restored PC), which the PC it came from (``origin``) does not get.
    """
    known = _known(session, [envelope.id for envelope in envelopes]) if envelopes else {}
    records_id = session.scalar(
        select(func.coalesce(Office.local_id, Office.id)).where(Office.id == office_id)
    )
    results: list[PushResult] = []
    rows: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    tombstones: list[Envelope] = []
    conflicts = 0
    for envelope in envelopes:
        if envelope.id in known:
            owner, digest = known[envelope.id]
            if owner == office_id and digest == envelope.content_hash:
                results.append(PushResult(id=envelope.id, verdict=Verdict.DUPLICATE))
            else:
                conflicts += 1
                detail = "this envelope id was already received with other content"
                results.append(PushResult(id=envelope.id, verdict=Verdict.CONFLICT, detail=detail))
            continue
        known[envelope.id] = (office_id, envelope.content_hash)
        error: str | None = None
        try:
            parsed = validate(envelope, records_id or office_id)
            check_token_free(session, parsed)
        except InvalidPayload as invalid:
            error = str(invalid)
        else:
            project(session, envelope, office_id, parsed)
            records.append(_office_record(office_id, envelope, now, origin))
            if envelope.erase:
                tombstones.append(envelope)
        rows.append(
            {
                "id": envelope.id,
                "office_id": office_id,
                "entity_type": envelope.entity_type,
                "entity_id": envelope.entity_id,
                "operation": envelope.operation,
                "base_version": envelope.base_version,
                "version": envelope.version,
                "content_hash": envelope.content_hash,
                "payload": envelope.payload,
                "sealed": envelope.sealed,
                "erase": envelope.erase,
                "received_at": now,
                "error": error,
            }
        )
        verdict = Verdict.ACCEPTED if error is None else Verdict.INVALID
        results.append(PushResult(id=envelope.id, verdict=verdict, detail=error or ""))
    if rows:
        session.execute(insert(ReceivedEnvelope), rows)
    append_many(session, office_id, records)
    for envelope in tombstones:
        erase_earlier(session, office_id, envelope)
    values: dict[str, Any] = {"last_sync": now}
    if conflicts:
        values["quarantined"] = Office.quarantined + conflicts
    session.execute(update(Office).where(Office.id == office_id).values(**values))
    return results


def erase_earlier(session: Session, office_id: uuid.UUID, tombstone: Envelope) -> None:
    """Destroy what the server holds of an erased record but the tombstone itself: the
    sealed copies of its earlier envelopes (overwritten), the changes that would give them
    back to a PC of the office (deleted), and a partner's words on its referral page and
    in the outcomes not pulled yet (a partner may have written the person's name there)."""
    earlier = select(ReceivedEnvelope.id).where(
        ReceivedEnvelope.office_id == office_id,
        ReceivedEnvelope.entity_type == tombstone.entity_type,
        ReceivedEnvelope.entity_id == tombstone.entity_id,
        ReceivedEnvelope.id != tombstone.id,
    )
    session.execute(
        delete(ServerChange).where(
            ServerChange.office_id == office_id,
            ServerChange.entity_type == OFFICE_RECORD,
            ServerChange.envelope_id.in_(earlier),
        )
    )
    session.execute(
        update(ReceivedEnvelope).where(ReceivedEnvelope.id.in_(earlier)).values(sealed="")
    )
    if tombstone.entity_type != "referral":
        return
    session.execute(
        update(ReferralView)
        .where(ReferralView.id == tombstone.entity_id, ReferralView.office_id == office_id)
        .values(partner_reason="", partner_provided="")
    )
    outcomes = session.scalars(
        select(ServerChange).where(
            ServerChange.office_id == office_id,
            ServerChange.entity_type == "referral_outcome",
            ServerChange.entity_id == str(tombstone.entity_id),
        )
    )
    for change in outcomes:
        change.payload = {**(change.payload or {}), "reason": "", "provided": ""}


def _office_record(
    office_id: uuid.UUID, envelope: Envelope, now: datetime, origin: str | None
) -> dict[str, Any]:
    """The change that gives an office back one of its sealed records (``changes.pull``)."""
    return {
        "office_id": office_id,
        "entity_type": OFFICE_RECORD,
        "entity_id": str(envelope.entity_id),
        "operation": envelope.operation,
        "payload": None,
        "at": now,
        "envelope_id": envelope.id,
        "origin": origin,
    }


def push(
    factory: sessionmaker[Session],
    office_id: uuid.UUID,
    envelopes: Sequence[Envelope],
    clock: Callable[[], datetime],
    origin: str | None = None,
) -> list[PushResult]:
    """Store a batch in one transaction, retrying when a concurrent push won a race."""
    check_storable(envelopes)
    for _attempt in range(_ATTEMPTS):
        session = factory()
        try:
            with session.begin():
                return push_once(session, office_id, envelopes, clock(), origin)
        except IntegrityError:
            continue
        except OperationalError as error:
            if "deadlock" in str(error).lower() or "serializ" in str(error).lower():
                continue
            raise
        finally:
            session.close()
    raise PushBusy("the batch could not be stored; try again later")
