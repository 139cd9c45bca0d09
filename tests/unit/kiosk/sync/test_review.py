"""A supervisor resolves what sync set aside: conflicts applied or dismissed, quarantined
envelopes sent again or dismissed; each action checked, audited and counted."""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from db.models import AuditEntry, EnvelopeStatus, OutboxEnvelope, Role, UserAccount
from db.sync import SyncConflict
from db.uow import Actor
from kiosk.accounts import PermissionDenied
from kiosk.office import OfficeContext
from kiosk.sync import apply, state
from kiosk.sync.apply import apply_page
from kiosk.sync.errors import ReviewError
from kiosk.sync.review import (
    apply_conflict,
    dismiss_conflict,
    dismiss_envelope,
    resend_envelope,
)
from protocol import wire
from protocol.privacy import content_hash
from tests.conftest import OFFICER

SUPERVISOR = ("hassan", "long-password-1")


@pytest.fixture
def supervisor(office: OfficeContext) -> Actor:
    """A supervisor, logged in."""
    office.accounts.add(office.system, SUPERVISOR[0], Role.SUPERVISOR, SUPERVISOR[1])
    return office.accounts.login(*SUPERVISOR)[0]


@pytest.fixture
def officer(office: OfficeContext) -> Actor:
    """An officer, logged in."""
    return office.accounts.login(*OFFICER)[0]


def _pull(office: OfficeContext, *changes: dict[str, Any]) -> None:
    parsed = [wire.ServerChange(seq=n + 1, **change) for n, change in enumerate(changes)]
    page = wire.PullResponse(changes=parsed, cursor=len(parsed), more=False)
    apply_page(office.store, office.system, office.office_id, page)


def _setting(key: str, value: Any) -> dict[str, Any]:
    return {
        "entity_type": "setting",
        "entity_id": str(uuid.uuid5(uuid.NAMESPACE_URL, key)),
        "operation": "upsert",
        "payload": {"key": key, "value": value},
    }


def _mark_all_sent(office: OfficeContext) -> None:
    with office.store.session() as session:
        for envelope in session.scalars(select(OutboxEnvelope)):
            envelope.status = EnvelopeStatus.SENT
        session.commit()


def _conflict_setting(office: OfficeContext) -> uuid.UUID:
    """A pulled auto-lock setting set aside: the office changed it and had not sent it yet."""
    office.settings.set(office.system, "desk.auto_lock_minutes", "7")
    _pull(office, _setting("desk.auto_lock_minutes", 30))
    [conflict] = state.conflicts(office.store)
    assert conflict["reason"] == "local_changes"
    return uuid.UUID(conflict["id"])


def _conflict_row(office: OfficeContext, conflict_id: uuid.UUID) -> SyncConflict:
    with office.store.session() as session:
        row = session.get(SyncConflict, conflict_id)
        assert row is not None
        session.expunge(row)
        return row


def _envelope(office: OfficeContext, envelope_id: uuid.UUID) -> OutboxEnvelope:
    with office.store.session() as session:
        row = session.get(OutboxEnvelope, envelope_id)
        assert row is not None
        session.expunge(row)
        return row


def _quarantine_one(office: OfficeContext, payload: str | None = None) -> OutboxEnvelope:
    """The newest envelope, quarantined (all others sent), with its payload changed if given."""
    _mark_all_sent(office)
    with office.store.session() as session:
        row = session.scalars(
            select(OutboxEnvelope).order_by(OutboxEnvelope.created_at.desc())
        ).first()
        assert row is not None
        row.status = EnvelopeStatus.QUARANTINED
        row.last_error = "conflict: the server holds other content for this id"
        if payload is not None:
            row.payload, row.content_hash = payload, "f" * 64
        session.commit()
        session.expunge(row)
        return row


def _audit(office: OfficeContext, action: str) -> list[tuple[str, str]]:
    with office.store.session() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.action == action))
        return [(row.user_name, row.detail) for row in rows]


def test_applying_a_conflict_waits_for_the_office_changes_then_applies_as_a_pull(
    office: OfficeContext, supervisor: Actor
) -> None:
    conflict_id = _conflict_setting(office)
    with pytest.raises(ReviewError) as refused:
        apply_conflict(office.store, supervisor, conflict_id)
    assert refused.value.message_key == "error.sync_review.local_changes"
    assert "sync, then apply" in str(refused.value)
    assert state.status(office.store)["conflicts"] == 1
    assert office.settings.get("desk.auto_lock_minutes") == 7

    _mark_all_sent(office)  # the office's change reached the region
    done = apply_conflict(office.store, supervisor, conflict_id)
    assert (done.outcome, done.by) == ("applied", "hassan")
    assert office.settings.get("desk.auto_lock_minutes") == 30
    row = _conflict_row(office, conflict_id)
    assert row.resolved and row.resolution == "applied"
    assert row.resolved_by == supervisor.user_id and row.resolved_at is not None
    assert state.status(office.store)["conflicts"] == 0
    assert _audit(office, "sync_conflict_apply") == [
        ("hassan", f"conflict {conflict_id}: setting {row.entity_id}")
    ]
    with office.store.session() as session:  # applied as a pull: the setting goes back
        pending = session.execute(  # only to refresh the office's sealed copy
            select(OutboxEnvelope.entity_type, OutboxEnvelope.from_region).where(
                OutboxEnvelope.status == EnvelopeStatus.PENDING
            )
        ).all()
    assert {kind for kind, _ in pending} == {"audit_entry", "setting"}
    assert all(from_region for kind, from_region in pending if kind == "setting")

    with pytest.raises(ReviewError) as again:
        apply_conflict(office.store, supervisor, conflict_id)
    assert again.value.message_key == "error.sync_review.conflict_resolved"


def test_a_change_that_still_cannot_apply_stays_open_with_its_reason_updated(
    office: OfficeContext, supervisor: Actor
) -> None:
    account_id = uuid.uuid4()  # an account this office never had: the region makes none
    _pull(
        office,
        {
            "entity_type": "user_account",
            "entity_id": str(account_id),
            "operation": "upsert",
            "payload": {"id": str(account_id), "name": "youssef", "disabled": True},
        },
    )
    [conflict] = state.conflicts(office.store)
    conflict_id = uuid.UUID(conflict["id"])
    with office.store.session() as session:
        row = session.get(SyncConflict, conflict_id)
        assert row is not None
        row.detail = "an older reason"
        session.commit()

    with pytest.raises(ReviewError) as refused:
        apply_conflict(office.store, supervisor, conflict_id)
    assert refused.value.message_key == "error.sync_review.not_applicable"
    assert "this office has no such account" in refused.value.params["detail"]
    row = _conflict_row(office, conflict_id)
    assert not row.resolved and row.resolution == ""
    assert row.detail == "this office has no such account"
    assert state.status(office.store)["conflicts"] == 1
    assert _audit(office, "sync_conflict_apply") == []
    with office.store.session() as session:
        assert session.get(UserAccount, account_id) is None


def test_dismissing_a_conflict_keeps_the_office_version_and_needs_a_note(
    office: OfficeContext, supervisor: Actor
) -> None:
    conflict_id = _conflict_setting(office)
    with pytest.raises(ReviewError) as blank:
        dismiss_conflict(office.store, supervisor, conflict_id, "   ")
    assert blank.value.message_key == "error.sync_review.note_required"
    assert state.status(office.store)["conflicts"] == 1

    done = dismiss_conflict(office.store, supervisor, conflict_id, "  7 minutes suits us  ")
    assert done.outcome == "dismissed"
    assert office.settings.get("desk.auto_lock_minutes") == 7
    [listed] = state.conflicts(office.store, include_resolved=True)
    assert listed["resolved"] and listed["resolution"] == "dismissed"
    assert listed["note"] == "7 minutes suits us"
    assert listed["resolved_by"] == str(supervisor.user_id) and listed["resolved_at"]
    assert state.status(office.store)["conflicts"] == 0
    [(name, detail)] = _audit(office, "sync_conflict_dismiss")
    assert name == "hassan" and str(conflict_id) in detail
    assert "suits" not in detail  # the note stays in the office


def test_a_quarantined_envelope_is_sent_again_as_a_new_one_and_the_old_is_kept(
    office: OfficeContext, supervisor: Actor
) -> None:
    office.settings.set(office.system, "desk.auto_lock_minutes", "9")
    old = _quarantine_one(office)
    before = state.status(office.store)
    assert (before["quarantined"], before["pending"]) == (1, 0)

    done = resend_envelope(office.store, supervisor, old.id)
    assert done.outcome == "resent" and done.resent_as is not None
    new = _envelope(office, done.resent_as)
    assert new.id != old.id and new.status is EnvelopeStatus.PENDING
    assert (new.entity_type, new.entity_id, new.operation) == (
        old.entity_type,
        old.entity_id,
        old.operation,
    )
    assert (new.payload, new.version, new.base_version) == (
        old.payload,
        old.version,
        old.base_version,
    )
    assert new.content_hash == old.content_hash  # same content, same hash
    assert new.attempts == 0 and new.last_error == ""
    kept = _envelope(office, old.id)
    assert kept.status is EnvelopeStatus.RESENT and kept.resent_as == new.id
    assert kept.reviewed_by == supervisor.user_id and kept.reviewed_at is not None
    assert kept.last_error.startswith("conflict")  # the region's reason is kept
    after = state.status(office.store)
    assert after["quarantined"] == 0
    assert after["pending"] == 2  # the new envelope, and the one of its audit entry
    [(name, detail)] = _audit(office, "sync_envelope_resend")
    assert name == "hassan" and str(new.id) in detail

    with pytest.raises(ReviewError) as again:
        resend_envelope(office.store, supervisor, old.id)
    assert again.value.message_key == "error.sync_review.not_quarantined"
    assert again.value.params["status"] == "resent"


def test_a_changed_payload_is_sent_with_its_hash_computed_again(
    office: OfficeContext, supervisor: Actor
) -> None:
    original = _quarantine_one(office)  # an audit entry's envelope (a "create")
    changed = original.payload.replace('"version":1', '"version":1,"note":"changed"')
    assert changed != original.payload
    old = _quarantine_one(office, payload=changed)
    resent = resend_envelope(office.store, supervisor, old.id).resent_as
    assert resent is not None
    new = _envelope(office, resent)
    assert new.payload == changed
    expected = content_hash(
        old.entity_type, old.entity_id, "create", old.version, changed, old.sealed
    )
    assert new.content_hash == expected != original.content_hash


def test_an_envelope_too_large_to_send_is_refused_and_stays_quarantined(
    office: OfficeContext, supervisor: Actor
) -> None:
    old = _quarantine_one(office, payload="x" * (wire.MAX_PAYLOAD_CHARS + 1))
    with pytest.raises(ReviewError) as refused:
        resend_envelope(office.store, supervisor, old.id)
    assert refused.value.message_key == "error.sync_review.not_sendable"
    assert _envelope(office, old.id).status is EnvelopeStatus.QUARANTINED
    assert state.status(office.store)["quarantined"] == 1

    done = dismiss_envelope(office.store, supervisor, old.id, "a test record, never needed")
    assert done.outcome == "dismissed"
    kept = _envelope(office, old.id)
    assert kept.status is EnvelopeStatus.DISMISSED
    assert kept.review_note == "a test record, never needed"
    assert state.status(office.store)["quarantined"] == 0
    assert state.quarantined(office.store) == []
    assert len(_audit(office, "sync_envelope_dismiss")) == 1


def test_dismissing_an_envelope_needs_a_note(office: OfficeContext, supervisor: Actor) -> None:
    old = _quarantine_one(office)
    with pytest.raises(ReviewError) as blank:
        dismiss_envelope(office.store, supervisor, old.id, "")
    assert blank.value.message_key == "error.sync_review.note_required"
    with pytest.raises(ReviewError) as long:
        dismiss_envelope(office.store, supervisor, old.id, "x" * 501)
    assert long.value.message_key == "error.sync_review.note_too_long"
    assert _envelope(office, old.id).status is EnvelopeStatus.QUARANTINED


def test_an_officer_may_not_review_and_nothing_changes(
    office: OfficeContext, officer: Actor
) -> None:
    conflict_id = _conflict_setting(office)
    envelope = _quarantine_one(office)
    attempts = (
        lambda: apply_conflict(office.store, officer, conflict_id),
        lambda: dismiss_conflict(office.store, officer, conflict_id, "no"),
        lambda: resend_envelope(office.store, officer, envelope.id),
        lambda: dismiss_envelope(office.store, officer, envelope.id, "no"),
    )
    for attempt in attempts:
        with pytest.raises(PermissionDenied) as refused:
            attempt()
        assert refused.value.message_key == "error.permission_denied"
    status = state.status(office.store)
    assert (status["conflicts"], status["quarantined"]) == (1, 1)
    with office.store.session() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert not any(action.startswith("sync_") and action != "sync_pull" for action in actions)


def test_unknown_ids_are_refused_plainly(office: OfficeContext, supervisor: Actor) -> None:
    missing = uuid.uuid4()
    with pytest.raises(ReviewError) as no_conflict:
        dismiss_conflict(office.store, supervisor, missing, "note")
    assert no_conflict.value.message_key == "error.sync_review.no_conflict"
    with pytest.raises(ReviewError) as no_envelope:
        resend_envelope(office.store, supervisor, missing)
    assert no_envelope.value.message_key == "error.sync_review.no_envelope"
    assert str(missing) in str(no_envelope.value)


def _pull_at(office: OfficeContext, seq: int, change: dict[str, Any]) -> None:
    page = wire.PullResponse(changes=[wire.ServerChange(seq=seq, **change)], cursor=seq, more=False)
    apply_page(office.store, office.system, office.office_id, page)


def test_a_newer_change_of_the_record_closes_the_older_conflict(
    office: OfficeContext, supervisor: Actor
) -> None:
    office.settings.set(office.system, "desk.auto_lock_minutes", "7")
    _pull_at(office, 10, _setting("desk.auto_lock_minutes", 30))
    _pull_at(office, 11, _setting("desk.auto_lock_minutes", 45))  # still not sent: set aside
    [newer] = state.conflicts(office.store)
    assert (newer["seq"], newer["payload"]["value"]) == (11, 45)

    _mark_all_sent(office)
    _pull_at(office, 12, _setting("desk.auto_lock_minutes", 20))  # applied at once
    assert state.conflicts(office.store) == []
    assert office.settings.get("desk.auto_lock_minutes") == 20
    closed = state.conflicts(office.store, include_resolved=True)
    assert [(row["seq"], row["resolution"]) for row in closed] == [
        (10, "superseded"),
        (11, "superseded"),
    ]
    with pytest.raises(ReviewError) as refused:  # applying 45 now would undo 20
        apply_conflict(office.store, supervisor, uuid.UUID(newer["id"]))
    assert office.settings.get("desk.auto_lock_minutes") == 20
    assert refused.value.message_key.startswith("error.sync_review.")


def test_a_change_of_another_record_leaves_the_conflict_open(office: OfficeContext) -> None:
    conflict_id = _conflict_setting(office)
    _pull_at(office, 5, _setting("queue.max_calls", 4))
    assert [row["id"] for row in state.conflicts(office.store)] == [str(conflict_id)]


def test_two_changes_of_a_record_in_one_page_leave_only_the_newer_open(
    office: OfficeContext, supervisor: Actor
) -> None:
    office.settings.set(office.system, "desk.auto_lock_minutes", "7")
    _pull(  # one page: both set aside, the office's change not sent yet
        office, _setting("desk.auto_lock_minutes", 30), _setting("desk.auto_lock_minutes", 45)
    )
    [newer] = state.conflicts(office.store)
    assert (newer["seq"], newer["payload"]["value"]) == (2, 45)
    older = state.conflicts(office.store, include_resolved=True)[0]
    assert (older["seq"], older["resolution"]) == (1, "superseded")


def test_a_change_set_aside_then_applied_in_the_same_page_is_closed(
    office: OfficeContext, supervisor: Actor
) -> None:
    _pull(  # an invalid value cannot apply; the record's next change does
        office,
        _setting("desk.auto_lock_minutes", "not a number"),
        _setting("desk.auto_lock_minutes", 45),
    )
    assert office.settings.get("desk.auto_lock_minutes") == 45
    assert state.conflicts(office.store) == []


def _busy(*_args: object, **_kwargs: object) -> None:
    """A write refused because another writer (a sync round) holds the database."""
    raise OperationalError("UPDATE setting …", {}, sqlite3.OperationalError("database is locked"))


@pytest.mark.parametrize("where", ["writing the change", "committing"])
def test_a_busy_database_leaves_the_conflict_as_it_was(
    office: OfficeContext, supervisor: Actor, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    conflict_id = _conflict_setting(office)
    _mark_all_sent(office)
    if where == "writing the change":  # an autoflush while the change is applied
        monkeypatch.setattr(apply._Page, "_apply", _busy)
    else:
        monkeypatch.setattr(apply._Page, "finish", _busy)
    with pytest.raises(OperationalError):
        apply_conflict(office.store, supervisor, conflict_id)
    row = _conflict_row(office, conflict_id)
    assert not row.resolved
    assert (row.reason, row.detail) == ("local_changes", "the local record has unsynced changes")
    assert office.settings.get("desk.auto_lock_minutes") == 7


def test_a_busy_database_fails_the_pull_rather_than_setting_a_change_aside(
    office: OfficeContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(apply._Page, "_apply", _busy)
    with pytest.raises(OperationalError):  # the round says "busy" and tries again later
        _pull(office, _setting("desk.auto_lock_minutes", 30))
    assert state.conflicts(office.store) == []
    assert state.status(office.store)["cursor"] == 0


def test_keeping_an_account_against_the_region_needs_the_right_to_manage_accounts(
    office: OfficeContext, supervisor: Actor
) -> None:
    office.accounts.set_language(supervisor, "ar")  # a pending change of the account
    assert supervisor.user_id is not None
    _pull(  # meanwhile the region disabled the account
        office,
        {
            "entity_type": "user_account",
            "entity_id": str(supervisor.user_id),
            "operation": "delete",
            "payload": None,
        },
    )
    [conflict] = state.conflicts(office.store)
    conflict_id = uuid.UUID(conflict["id"])
    with pytest.raises(PermissionDenied):  # not by the supervisor whose account it is
        dismiss_conflict(office.store, supervisor, conflict_id, "I still work here")
    assert state.status(office.store)["conflicts"] == 1
    assert _audit(office, "sync_conflict_dismiss") == []

    done = dismiss_conflict(office.store, office.system, conflict_id, "disabled by mistake")
    assert done.outcome == "dismissed"
