"""Erasing a person, and restricting one (Law 09-08, art. 8: erasure and blocking).

:func:`erase_person` is the one erasure: a supervisor's act on the person's request
(``baom person erase``) and the retention schedule's anonymisation (``kiosk.retention``).
The names, phone, birth year, notes and every free text about the person are destroyed:
their rows deleted or overwritten (the store zeroes freed bytes, ``PRAGMA secure_delete``,
and the WAL is emptied after the commit), the office's earlier sealed copies in the outbox
dropped, and every envelope of the erasure is a tombstone telling the region to destroy
its sealed copies of the record's earlier versions. The anonymous facts (category, sex,
age band, needs and their states, referral outcomes) stay only when the person's latest
intake consented to statistics; otherwise every record of the person goes.

The reason is a fixed word (:data:`ERASE_REASONS`, :data:`RESTRICT_REASONS`): the audit
keeps it, and free text there could hold the very personal data being erased.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select, update

from db.base import SyncedRecord, utcnow
from db.cases import (
    AccompanimentStep,
    Case,
    CaseEntry,
    CaseItinerary,
    CaseNeed,
    CaseNeedEvent,
    Intake,
    IntakeDraft,
    Person,
    PersonChange,
    PersonKey,
    Referral,
    ReferralEvent,
    StatRecord,
    StepStat,
    Visit,
)
from db.models import EnvelopeStatus, OutboxEnvelope
from db.print_spool import PrintJob
from db.sync import SyncConflict
from db.uow import Actor, UnitOfWork
from kiosk.accounts import Permission, require
from kiosk.cases.errors import CaseWorkError
from kiosk.clock import OFFICE_ZONE
from kiosk.office import OfficeContext
from kiosk.statistics import age_band

ERASE_REASONS = ("person_request", "consent_withdrawn", "legal_order", "retention")
"""Why a person is erased: ``retention`` is the schedule's; the others a supervisor's."""
RESTRICT_REASONS = ("accuracy_contested", "objection", "legal_claim", "person_request")
"""Why a person's record is restricted (kept, hidden) until the restriction is lifted."""
LIFT_REASONS = ("accuracy_checked", "objection_settled", "legal_claim_ended", "person_request")
"""Why a restriction is lifted."""
FACT_KEYS = ("person.category", "person.sex", "needs")
"""The answers an anonymised intake keeps, with ``person.age_band`` instead of the year."""


class ErasureError(CaseWorkError):
    """An erasure or a restriction that cannot be done; the message says why."""


@dataclass(frozen=True)
class Erased:
    """What an erasure did: whether anonymous facts were kept, how many records it deleted
    and overwrote, and whether the WAL was emptied (False: a reader kept it; it empties at
    the next checkpoint)."""

    person_id: uuid.UUID
    facts_kept: bool
    deleted: int
    overwritten: int
    checkpointed: bool = True

    def as_json(self) -> dict[str, Any]:
        """The erasure as JSON."""
        return {
            "person_id": str(self.person_id),
            "facts_kept": self.facts_kept,
            "deleted": self.deleted,
            "overwritten": self.overwritten,
            "checkpointed": self.checkpointed,
        }


def check_reason(reason: str, allowed: Sequence[str]) -> str:
    """``reason`` if it is one of ``allowed``, else :class:`ErasureError` naming them."""
    if reason not in allowed:
        raise ErasureError(
            f"reason: one of {', '.join(allowed)}, not {reason!r}",
            "reason",
            reasons=", ".join(allowed),
        )
    return reason


def anonymous_answers(answers: str, at: Any) -> str:
    """An intake's answers reduced to the anonymous facts an anonymous contact keeps:
    category, sex, age band (from the birth year at the intake's date) and needs."""
    values: dict[str, Any] = json.loads(answers)
    kept = {key: values[key] for key in FACT_KEYS if key in values}
    year = values.get("person.birth_year")
    band = values.get("person.age_band")
    if isinstance(year, int) and not isinstance(year, bool):
        age = at.astimezone(OFFICE_ZONE).year - year
        band = age_band(age) if 0 <= age <= 130 else None
    if isinstance(band, str):
        kept["person.age_band"] = band
    return json.dumps(kept, ensure_ascii=False, sort_keys=True)


def _persons(uow: UnitOfWork, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Person]]:
    """Each person with every person merged into them (the same human, merged duplicates),
    the person first."""
    found = {p.id: p for p in _all(uow, Person, Person.id, person_ids)}
    for person_id in person_ids:
        if person_id not in found:
            raise ErasureError(f"no person {person_id}", "no_person")
        if found[person_id].erased_at is not None:
            raise ErasureError(f"person {person_id} was erased already", "erased_already")
    humans = {person_id: [found[person_id]] for person_id in person_ids}
    root = {person_id: person_id for person_id in person_ids}
    frontier = list(person_ids)
    while frontier:
        merged = _all(uow, Person, Person.merged_into_id, frontier)
        for person in merged:
            root[person.id] = root[person.merged_into_id]
            humans[root[person.id]].append(person)
        frontier = [p.id for p in merged]
    return humans


def _all(uow: UnitOfWork, kind: Any, column: Any, ids: Sequence[Any]) -> list[Any]:
    """The records of ``kind`` whose ``column`` is one of ``ids`` (500 ids a query)."""
    found: list[Any] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.extend(uow.session.scalars(select(kind).where(column.in_(chunk))))
    return found


def erase_person(uow: UnitOfWork, person_id: uuid.UUID, reason: str) -> Erased:
    """Erase the person ``person_id`` in ``uow`` (supervisors; see the module's docstring).

    The caller commits and then empties the WAL (:func:`erase`, ``kiosk.retention``).
    """
    return erase_persons(uow, [person_id], reason)[0]


def erase_persons(uow: UnitOfWork, person_ids: Sequence[uuid.UUID], reason: str) -> list[Erased]:
    """Erase several persons in ``uow`` at once (the retention run's batches): the same
    erasure as :func:`erase_person`, each person's facts kept or not by their own consent."""
    require(uow.actor, Permission.ERASE_PERSONS)
    check_reason(reason, ERASE_REASONS)
    humans = _persons(uow, person_ids)
    owner = {p.id: root for root, persons in humans.items() for p in persons}
    all_persons = list(owner)
    cases = _all(uow, Case, Case.person_id, all_persons)
    owner.update({c.id: owner[c.person_id] for c in cases})
    case_ids = [c.id for c in cases]
    intakes = _all(uow, Intake, Intake.case_id, case_ids)
    owner.update({i.id: owner[i.case_id] for i in intakes if i.case_id is not None})
    latest: dict[uuid.UUID, Intake] = {}
    for intake in intakes:
        root = owner[intake.case_id]
        if root not in latest or intake.at > latest[root].at:
            latest[root] = intake
    keep = {root for root, intake in latest.items() if intake.consent_stats}
    referrals = _all(uow, Referral, Referral.case_id, case_ids)
    owner.update({r.id: owner[r.case_id] for r in referrals})
    events = _all(uow, ReferralEvent, ReferralEvent.referral_id, [r.id for r in referrals])
    needs = _all(uow, CaseNeed, CaseNeed.case_id, case_ids)
    owner.update({n.id: owner[n.case_id] for n in needs})
    visits = _all(uow, Visit, Visit.case_id, case_ids)
    tickets = {i.ticket_id for i in intakes} | {v.ticket_id for v in visits}

    def kept(parent: Any) -> bool:
        return owner[parent] in keep

    # free text and the history of the person are always deleted; the rest only without
    # consent to statistics, children first: each level is flushed before its parents go
    steps = _all(uow, AccompanimentStep, AccompanimentStep.case_id, case_ids)
    owner.update({s.id: owner[s.case_id] for s in steps})
    gone: list[list[Any]] = [
        _all(uow, CaseEntry, CaseEntry.case_id, case_ids),
        steps,
        _all(uow, CaseItinerary, CaseItinerary.case_id, case_ids),
        _all(uow, PersonChange, PersonChange.person_id, all_persons),
    ]
    dropped_intakes = [i for i in intakes if not kept(i.case_id)]
    gone += [
        [e for e in events if not kept(e.referral_id)],
        [
            e
            for e in _all(uow, CaseNeedEvent, CaseNeedEvent.need_id, [n.id for n in needs])
            if not kept(e.need_id)
        ],
        _all(uow, StatRecord, StatRecord.intake_id, [i.id for i in dropped_intakes]),
        _all(uow, StepStat, StepStat.step_id, [s.id for s in steps if not kept(s.case_id)]),
        sorted(
            (r for r in referrals if not kept(r.case_id)),
            key=lambda r: r.created_at,
            reverse=True,  # a redirection before the referral it came from
        ),
        [n for n in needs if not kept(n.case_id)],
        [v for v in visits if not kept(v.case_id)],
        dropped_intakes,
        [c for c in cases if not kept(c.id)],
        [p for root, persons in humans.items() if root not in keep for p in persons[::-1]],
    ]
    changed: list[SyncedRecord] = []
    for intake in intakes:
        if kept(intake.case_id):
            intake.answers = anonymous_answers(intake.answers, intake.at)
            changed.append(intake)
    for referral in referrals:
        if kept(referral.case_id):
            referral.reason = referral.provided = referral.override_reason = ""
            changed.append(referral)
    for event in events:
        if kept(event.referral_id):
            event.reason = event.detail = ""
            changed.append(event)
    for root in keep:
        for person in humans[root]:
            _anonymise(person)
            changed.append(person)
    clear_leftovers(
        uow,
        [r.id for level in gone for r in level] + [r.id for r in changed],
        all_persons,
        tickets - {None},
        [r.code for r in referrals],
    )
    for record in changed:
        uow.erase(record)
        uow.add(record)
    for level in gone:
        for record in level:
            uow.erase(record)
            uow.delete(record)
            if getattr(record, "redirected_from_id", None) or getattr(
                record, "merged_into_id", None
            ):
                uow.session.flush()  # before the record of the same table it points at
        uow.session.flush()
    erased = []
    for root, persons in humans.items():
        facts = "kept" if root in keep else "deleted"
        uow.audit("erase", persons[0], detail=f"{reason}; facts {facts}")
        deleted = sum(1 for level in gone for r in level if owner.get(_key(r)) == root)
        overwritten = sum(1 for r in changed if owner.get(_key(r)) == root)
        erased.append(Erased(root, root in keep, deleted, overwritten))
    return erased


def _key(record: Any) -> Any:
    """The id by which ``owner`` knows whose a record is: its own, or its parent's."""
    for parent in ("case_id", "referral_id", "need_id", "intake_id", "person_id", "step_id"):
        value = getattr(record, parent, None)
        if value is not None:
            return value
    return record.id


def _anonymise(person: Person) -> None:
    """Keep the person as an anonymous shell: category and sex, nothing else."""
    for field in ("given_name", "family_name", "given_name_ar", "family_name_ar", "phone"):
        setattr(person, field, "")
    person.nationality = person.commune = person.language = person.restricted = ""
    person.birth_year = person.household_size = None
    person.minor_caregiver = person.disability = None
    person.erased_at = utcnow()


def clear_leftovers(
    uow: UnitOfWork,
    record_ids: Sequence[uuid.UUID],
    person_ids: Sequence[uuid.UUID] = (),
    tickets: Collection[uuid.UUID] = (),
    codes: Sequence[str] = (),
) -> None:
    """Destroy what this PC holds of erased records besides the records themselves, in
    ``uow``: the outbox's sealed copies of their earlier versions (envelopes not sent yet
    dropped: they would carry the data to the region), the values sync set aside for
    review, and the local rows never synced: the persons' search keys, the drafts of the
    persons or of the tickets, the print jobs of the slips of the referral codes.

    The erasing PC (:func:`erase_persons`) and a PC applying its tombstones
    (``kiosk.sync.apply``) both call it; the caller empties the WAL after the commit."""
    session = uow.session
    ids = list(record_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        waiting = (EnvelopeStatus.PENDING, EnvelopeStatus.QUARANTINED)
        session.execute(
            delete(OutboxEnvelope).where(
                OutboxEnvelope.entity_id.in_(chunk), OutboxEnvelope.status.in_(waiting)
            )
        )
        session.execute(
            update(OutboxEnvelope).where(OutboxEnvelope.entity_id.in_(chunk)).values(sealed="")
        )
        session.execute(
            delete(SyncConflict).where(SyncConflict.entity_id.in_([str(i) for i in chunk]))
        )
    if person_ids:
        session.execute(delete(PersonKey).where(PersonKey.person_id.in_(person_ids)))
    if person_ids or tickets:
        session.execute(
            delete(IntakeDraft).where(
                or_(IntakeDraft.person_id.in_(person_ids), IntakeDraft.ticket_id.in_(tickets))
            )
        )
    for code in codes:
        session.execute(delete(PrintJob).where(PrintJob.summary.contains(code)))


def erase(context: OfficeContext, actor: Actor, person_id: uuid.UUID, reason: str) -> Erased:
    """Erase a person (:func:`erase_person`) in one unit of work, then empty the WAL."""
    with context.store.unit_of_work(actor) as uow:
        erased = erase_person(uow, person_id, reason)
    checkpointed = context.store.checkpoint()
    return Erased(
        erased.person_id, erased.facts_kept, erased.deleted, erased.overwritten, checkpointed
    )


def restrict(
    context: OfficeContext, actor: Actor, person_id: uuid.UUID, reason: str, *, lift: bool = False
) -> dict[str, Any]:
    """Restrict the person for ``reason`` (:data:`RESTRICT_REASONS`), or ``lift`` the
    restriction (``reason`` among :data:`LIFT_REASONS`); supervisors. Audited with the
    reason; returns the person's id and restriction (empty once lifted)."""
    require(actor, Permission.ERASE_PERSONS)
    check_reason(reason, LIFT_REASONS if lift else RESTRICT_REASONS)
    with context.store.unit_of_work(actor) as uow:
        person = uow.session.get(Person, person_id)
        if person is None or person.erased_at is not None:
            raise ErasureError(f"no person {person_id}", "no_person")
        if lift and not person.restricted:
            raise ErasureError(f"person {person_id} is not restricted", "not_restricted")
        if not lift and person.restricted:
            raise ErasureError(f"person {person_id} is restricted already", "restricted_already")
        person.restricted = "" if lift else reason
        uow.add(person)
        uow.audit("unrestrict" if lift else "restrict", person, detail=reason)
        return {"person_id": str(person.id), "restricted": person.restricted}
