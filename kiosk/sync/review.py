"""A supervisor resolves what sync set aside (``kiosk.sync.state`` lists it).

- A **conflict** (a pulled change not applied) is applied now, through the same code as a
  pull (:func:`kiosk.sync.apply.apply_change`), or dismissed: the office keeps its own
  version, and says why in a note.
- A **quarantined envelope** (one the region refused) is sent again as a new envelope (a new
  id, the same record and payload, its content hash computed again), or dismissed with a
  note. The old envelope is kept, marked ``resent`` or ``dismissed``.

Every action needs :attr:`~kiosk.accounts.Permission.REVIEW_SYNC` (keeping an account
against the region's change, ``MANAGE_ACCOUNTS`` as well) and leaves an audit entry
(never the note: an audit entry is pushed to the region and holds no free text). A refusal
is a :class:`~kiosk.sync.errors.ReviewError` with a catalog key, for the desk.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, OperationalError, StatementError
from sqlalchemy.orm import Session

from db.base import new_id, utcnow
from db.models import EnvelopeStatus, OutboxEnvelope
from db.store import Store
from db.sync import SyncConflict
from db.uow import Actor, UnitOfWork
from kiosk.accounts import Permission, require
from kiosk.sync.apply import LocalChangesPending, apply_change
from kiosk.sync.directory import NotApplicable
from kiosk.sync.errors import ReviewError
from protocol import wire
from protocol.privacy import content_hash

NOTE_LIMIT = 500
"""The longest note a supervisor may write, in characters."""


@dataclass(frozen=True)
class Reviewed:
    """What a review action did: the conflict or envelope, its outcome, when and by whom."""

    kind: str  # "conflict" or "envelope"
    id: uuid.UUID
    outcome: str  # "applied", "dismissed" or "resent"
    at: datetime
    by: str
    resent_as: uuid.UUID | None = None

    def as_json(self) -> dict[str, Any]:
        """The answer of ``baom sync resolve|resend|dismiss --json``."""
        return {
            "kind": self.kind,
            "id": str(self.id),
            "outcome": self.outcome,
            "at": self.at.isoformat(),
            "by": self.by,
            "resent_as": None if self.resent_as is None else str(self.resent_as),
        }


def _note(note: str, required: bool = True) -> str:
    text = note.strip()
    if required and not text:
        raise ReviewError("say why in a note (--note TEXT)", "note_required")
    if len(text) > NOTE_LIMIT:
        raise ReviewError(
            f"keep the note short: {NOTE_LIMIT} characters at most",
            "note_too_long",
            limit=NOTE_LIMIT,
        )
    return text


def _open_conflict(session: Session, conflict_id: uuid.UUID) -> SyncConflict:
    row = session.get(SyncConflict, conflict_id)
    if row is None:
        raise ReviewError(f"no sync conflict {conflict_id}", "no_conflict", id=conflict_id)
    if row.resolved:
        raise ReviewError(
            f"conflict {conflict_id} was resolved already", "conflict_resolved", id=conflict_id
        )
    return row


def _quarantined(session: Session, envelope_id: uuid.UUID) -> OutboxEnvelope:
    row = session.get(OutboxEnvelope, envelope_id)
    if row is None:
        raise ReviewError(f"no outbox envelope {envelope_id}", "no_envelope", id=envelope_id)
    if row.status is not EnvelopeStatus.QUARANTINED:
        raise ReviewError(
            f"envelope {envelope_id} is not quarantined (it is {row.status.value})",
            "not_quarantined",
            id=envelope_id,
            status=row.status.value,
        )
    return row


def _resolve(session: Session, row: SyncConflict, actor: Actor, how: str, note: str) -> datetime:
    """Mark the conflict resolved, unless someone else did meanwhile (then refuse)."""
    now = utcnow()
    done = session.execute(
        update(SyncConflict)
        .where(SyncConflict.id == row.id, SyncConflict.resolved.is_(False))
        .values(
            resolved=True, resolved_at=now, resolved_by=actor.user_id, resolution=how, note=note
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ReviewError(f"conflict {row.id} was resolved already", "conflict_resolved", id=row.id)
    return now


def _review(
    session: Session,
    row: OutboxEnvelope,
    actor: Actor,
    status: EnvelopeStatus,
    note: str,
    resent_as: uuid.UUID | None = None,
) -> datetime:
    """Mark the envelope reviewed, unless it left quarantine meanwhile (then refuse)."""
    now = utcnow()
    done = session.execute(
        update(OutboxEnvelope)
        .where(OutboxEnvelope.id == row.id, OutboxEnvelope.status == EnvelopeStatus.QUARANTINED)
        .values(
            status=status,
            reviewed_at=now,
            reviewed_by=actor.user_id,
            review_note=note,
            resent_as=resent_as,
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ReviewError(
            f"envelope {row.id} is no longer quarantined", "not_quarantined", id=row.id, status=""
        )
    return now


def _about(row: SyncConflict) -> str:
    return f"conflict {row.id}: {row.entity_type} {row.entity_id}"[:200]


def _change_of(row: SyncConflict) -> wire.ServerChange:
    try:
        return wire.ServerChange.model_validate(
            {
                "seq": row.seq,
                "entity_type": row.entity_type,
                "entity_id": row.entity_id,
                "operation": row.operation,
                "payload": json.loads(row.payload) if row.payload else None,
            }
        )
    except (ValueError, ValidationError) as error:  # a JSON error is a ValueError
        raise NotApplicable(f"the change kept is unreadable: {error}") from None


def _keep_open(store: Store, conflict_id: uuid.UUID, detail: str) -> None:
    """The change still failed: its conflict stays open and says why now."""
    with store.session() as session:
        row = session.get(SyncConflict, conflict_id)
        if row is not None and not row.resolved:
            row.detail = detail
            if row.reason == "local_changes":
                row.reason = "not_applicable"
            session.commit()


def apply_conflict(store: Store, actor: Actor, conflict_id: uuid.UUID, note: str = "") -> Reviewed:
    """Apply a set-aside change now, as a pull would; the conflict is then resolved.

    Refused while the office record has unsynced changes (sync first), and when the change
    still cannot be applied (the conflict stays open, its detail updated). A busy database
    (a sync round writing) is raised as it is, and the conflict stays as it was.
    """
    require(actor, Permission.REVIEW_SYNC)
    note = _note(note, required=False)
    try:
        with UnitOfWork(store, actor, from_server=True) as uow:
            row = _open_conflict(uow.session, conflict_id)
            change = _change_of(row)
            emptied_ok = row.reason != "reference_emptied"  # else it would only come back
            apply_change(uow, actor.office_id, change, emptied_ok=emptied_ok)
            at = _resolve(uow.session, row, actor, "applied", note)
            uow.audit("sync_conflict_apply", detail=_about(row))
    except LocalChangesPending:
        raise ReviewError(
            "this record has changes the office has not sent yet: "
            "send the office's changes first: sync, then apply",
            "local_changes",
        ) from None
    except OperationalError:
        raise  # the machine, not the change: nothing to record against the conflict
    except (NotApplicable, IntegrityError, StatementError) as error:
        orig = getattr(error, "orig", None)
        detail = str(orig if orig is not None else error)[:2000]
        _keep_open(store, conflict_id, detail)
        raise ReviewError(
            f"the change still cannot be applied: {detail}", "not_applicable", detail=detail
        ) from None
    return Reviewed("conflict", conflict_id, "applied", at, actor.name)


def dismiss_conflict(store: Store, actor: Actor, conflict_id: uuid.UUID, note: str) -> Reviewed:
    """The office keeps its own version: the conflict is resolved with a note saying why.

    Keeping an account against the region's change of it (a role, a disabled account, a new
    password) is managing accounts: that needs :attr:`~Permission.MANAGE_ACCOUNTS` too.
    """
    require(actor, Permission.REVIEW_SYNC)
    note = _note(note)
    with UnitOfWork(store, actor) as uow:
        row = _open_conflict(uow.session, conflict_id)
        if row.entity_type == "user_account":
            require(actor, Permission.MANAGE_ACCOUNTS)
        at = _resolve(uow.session, row, actor, "dismissed", note)
        uow.audit("sync_conflict_dismiss", detail=_about(row))
    return Reviewed("conflict", conflict_id, "dismissed", at, actor.name)


def _unit_operation(row: OutboxEnvelope) -> str:
    """The unit-of-work operation an envelope was hashed with (``db.uow``)."""
    if row.operation == "delete":
        return "delete"
    return "create" if row.base_version == 0 else "update"


def resend_envelope(store: Store, actor: Actor, envelope_id: uuid.UUID, note: str = "") -> Reviewed:
    """Send a quarantined envelope's content again, as a new pending envelope.

    Refused when it still could not be sent (too large, malformed); the old envelope is
    kept, marked ``resent`` with the new one's id.
    """
    require(actor, Permission.REVIEW_SYNC)
    note = _note(note, required=False)
    with UnitOfWork(store, actor) as uow:
        old = _quarantined(uow.session, envelope_id)
        digest = content_hash(
            old.entity_type,
            old.entity_id,
            _unit_operation(old),
            old.version,
            old.payload,
            old.sealed,
        )
        new = OutboxEnvelope(
            id=new_id(),
            created_at=utcnow(),
            office_id=old.office_id,
            entity_type=old.entity_type,
            entity_id=old.entity_id,
            operation=old.operation,
            base_version=old.base_version,
            version=old.version,
            payload=old.payload,
            sealed=old.sealed,
            erase=old.erase,
            content_hash=digest,
            status=EnvelopeStatus.PENDING,
            attempts=0,
            last_error="",
        )
        try:
            wire.Envelope(
                id=new.id,
                entity_type=new.entity_type,
                entity_id=new.entity_id,
                operation=new.operation,  # type: ignore[arg-type]
                base_version=new.base_version,
                version=new.version,
                content_hash=new.content_hash,
                payload=new.payload,
                sealed=new.sealed,
                created_at=new.created_at,
                erase=new.erase,
            )
        except ValidationError as error:
            reason = str(error.errors()[0]["msg"])
            raise ReviewError(
                f"this envelope still cannot be sent: {reason}", "not_sendable", detail=reason
            ) from None
        uow.session.add(new)
        at = _review(uow.session, old, actor, EnvelopeStatus.RESENT, note, resent_as=new.id)
        uow.audit(
            "sync_envelope_resend",
            detail=f"envelope {old.id} ({old.entity_type}) sent again as {new.id}"[:200],
        )
        resent_as = new.id
    return Reviewed("envelope", envelope_id, "resent", at, actor.name, resent_as)


def dismiss_envelope(store: Store, actor: Actor, envelope_id: uuid.UUID, note: str) -> Reviewed:
    """Give up sending a quarantined envelope; it is kept, marked ``dismissed`` with a note."""
    require(actor, Permission.REVIEW_SYNC)
    note = _note(note)
    with UnitOfWork(store, actor) as uow:
        old = _quarantined(uow.session, envelope_id)
        at = _review(uow.session, old, actor, EnvelopeStatus.DISMISSED, note)
        uow.audit("sync_envelope_dismiss", detail=f"envelope {old.id} ({old.entity_type})"[:200])
    return Reviewed("envelope", envelope_id, "dismissed", at, actor.name)
