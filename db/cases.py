"""The officer's records: persons, cases, intakes, needs, follow-up steps and referrals.

Everything here is personal data, kept in the encrypted office database and synced with the
regional server, except the two local helpers at the end: the name keys that person search
uses (derived, rebuilt from the person) and the intake drafts (unfinished, never synced).
See DOMAIN.md for what is collected and what never is.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, SyncedRecord, enum_values, new_id, utcnow


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=16, values_callable=enum_values)


class CaseStatus(enum.StrEnum):
    """A case is open until its needs are met or abandoned."""

    OPEN = "open"
    CLOSED = "closed"


class CaseEntryKind(enum.StrEnum):
    """What a line of a case's timeline written by the officer is."""

    INFORMATION = "information"  # information given: documents, procedures, rights
    NOTE = "note"  # a short note (never sensitive details)
    OUTCOME = "outcome"  # a counter-referral the officer heard by phone


class ReferralPriority(enum.StrEnum):
    """How soon the receiving service should see the person (DOMAIN.md)."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    NORMAL = "normal"


class ReferralState(enum.StrEnum):
    """Where a referral is (see ``kiosk.cases.referrals`` for the allowed transitions)."""

    CREATED = "created"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DONE = "done"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    REDIRECTED = "redirected"


DECLINE_REASONS = ("ineligible", "full", "declined_by_person", "wrong_service", "other")
"""Why a service declines a referral (DOMAIN.md)."""


class NeedState(enum.StrEnum):
    """Where a need of a case is: open until the officer says it was met or not met."""

    OPEN = "open"
    MET = "met"
    NOT_MET = "not_met"


NEED_NOT_MET_REASONS = (
    "no_service",
    "ineligible",
    "declined_by_person",
    "lost_contact",
    "moved_away",
    "other",
)
"""Why a need was not met: fixed keys, never free text (a note on the case says more)."""


class Person(SyncedRecord, Base):
    """A visitor who consented to a local record. Only DOMAIN.md's "collect" list.

    The name is kept in two scripts side by side: ``given_name`` and ``family_name`` in
    Latin letters (as documents write it), ``given_name_ar`` and ``family_name_ar`` in
    Arabic letters (as many visitors read it); one given name at least. Records made
    before the Arabic columns may hold an Arabic name in the Latin ones.
    ``merged_into_id`` is set when a supervisor merged this person into another one: the
    record stays (for the audit trail) but searches and lists skip it. ``restricted`` holds
    the reason (a key of ``kiosk.erasure.RESTRICT_REASONS``) while a supervisor restricts the
    record: kept, but hidden from search, lists and the duplicate finder. ``erased_at`` is
    set when the person was erased or anonymised (``kiosk.erasure``): only anonymous facts,
    if any, are left.
    """

    __tablename__ = "person"

    given_name: Mapped[str] = mapped_column(String(100), default="")
    family_name: Mapped[str] = mapped_column(String(100), default="")
    given_name_ar: Mapped[str] = mapped_column(String(100), default="")
    family_name_ar: Mapped[str] = mapped_column(String(100), default="")
    sex: Mapped[str] = mapped_column(String(1), default="")
    birth_year: Mapped[int | None] = mapped_column(default=None, index=True)
    nationality: Mapped[str] = mapped_column(String(2), default="")
    category: Mapped[str] = mapped_column(String(16), default="")
    commune: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(20), default="", index=True)
    language: Mapped[str] = mapped_column(String(8), default="")
    household_size: Mapped[int | None] = mapped_column(default=None)
    minor_caregiver: Mapped[bool | None] = mapped_column(default=None)
    disability: Mapped[bool | None] = mapped_column(default=None)
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("person.id"), default=None, index=True
    )
    restricted: Mapped[str] = mapped_column(String(32), default="")
    no_call: Mapped[bool] = mapped_column(default=False)
    erased_at: Mapped[datetime | None] = mapped_column(default=None)


class PersonChange(SyncedRecord, Base):
    """A correction of a person's record: which fields changed, their previous values, why,
    by whom, when.

    Part of the person's record (sealed like it, exported to the person, never in the
    audit trail, which names the fields only): ``previous`` is a JSON object of each
    field's value before the correction, ``reason`` what the officer gave (empty for a
    correction made during an intake or a merge). Shown on the timeline of the person's
    cases (``kiosk.cases.corrections``). ``fields`` holds the columns, separated by spaces.
    """

    __tablename__ = "person_change"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    fields: Mapped[str] = mapped_column(String(300))
    previous: Mapped[str] = mapped_column(Text, default="{}")
    reason: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    author: Mapped[str] = mapped_column(String(64), default="")


class Case(SyncedRecord, Base):
    """One person's path through the office: visits, needs, referrals, follow-up steps.

    ``held`` holds the reason (a key of ``kiosk.retention.HOLD_REASONS``) while a supervisor
    keeps the case from the retention schedule because the law requires keeping it.
    """

    __tablename__ = "case"
    __table_args__ = (
        UniqueConstraint("code"),
        Index(None, "status", "opened_at"),
    )

    code: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("person.id"), index=True)
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus), default=CaseStatus.OPEN)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    close_reason: Mapped[str] = mapped_column(String(200), default="")
    officer_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    held: Mapped[str] = mapped_column(String(32), default="")


class Intake(SyncedRecord, Base):
    """A filled intake form: the consent given, and the answers with the form version.

    ``case_id`` is empty for an anonymous statistical contact (consent to record refused):
    its answers then hold only category, sex, age band and needs.
    """

    __tablename__ = "intake"

    case_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("case.id"), default=None, index=True
    )
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    form_id: Mapped[str] = mapped_column(String(32))
    form_version: Mapped[int]
    language: Mapped[str] = mapped_column(String(8), default="fr")
    consent_record: Mapped[bool]
    consent_share: Mapped[bool] = mapped_column(default=False)
    consent_stats: Mapped[bool] = mapped_column(default=False)
    consent_method: Mapped[str] = mapped_column(String(8), default="")
    answers: Mapped[str] = mapped_column(Text)  # JSON of the form's cleaned answers
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class Visit(SyncedRecord, Base):
    """A time the person came (or was seen) for the case; linked to the queue ticket if any."""

    __tablename__ = "visit"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    officer_id: Mapped[uuid.UUID | None] = mapped_column(default=None)


class CaseNeed(SyncedRecord, Base):
    """One need of a case, by its stable key (DOMAIN.md's first level of the taxonomy).

    ``state`` is open until the officer marks the need met, or not met with a ``reason`` among
    :data:`NEED_NOT_MET_REASONS` (``kiosk.cases.casework.set_need_state``); each change is a
    :class:`CaseNeedEvent`.
    """

    __tablename__ = "case_need"
    __table_args__ = (UniqueConstraint("case_id", "need_key"),)

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    need_key: Mapped[str] = mapped_column(String(64))
    state: Mapped[NeedState] = mapped_column(_enum(NeedState), default=NeedState.OPEN)
    reason: Mapped[str] = mapped_column(String(32), default="")


class CaseNeedEvent(SyncedRecord, Base):
    """One change of a need's state, for the case's timeline. Append-only."""

    __tablename__ = "case_need_event"

    need_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_need.id"), index=True)
    state: Mapped[NeedState] = mapped_column(_enum(NeedState))
    reason: Mapped[str] = mapped_column(String(32), default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)
    author: Mapped[str] = mapped_column(String(64), default="")


class CaseEntry(SyncedRecord, Base):
    """A line the officer wrote on the case: information given, a short note, an outcome."""

    __tablename__ = "case_entry"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    kind: Mapped[CaseEntryKind] = mapped_column(_enum(CaseEntryKind))
    text: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    author: Mapped[str] = mapped_column(String(64), default="")


class ItineraryState(enum.StrEnum):
    """Where an itinerary of a case is (``kiosk.itineraries``)."""

    ACTIVE = "active"  # steps to do
    ENDED = "ended"  # every step of its path done or skipped: the need is met or not?
    CLOSED = "closed"  # its need was marked met or not met, or the case was closed
    REPLACED = "replaced"  # another template took its place for the need


STEP_SKIP_REASONS = (
    "not_needed",
    "done_elsewhere",
    "deadline_passed",
    "declined_by_person",
    "no_service",
    "other",
)
"""Why a step of an itinerary was skipped: fixed keys, never free text."""


class CaseItinerary(SyncedRecord, Base):
    """An itinerary template (``resources/itineraries``) applied to one need of a case.

    ``template_version`` is the version of the template when it was applied; ``anchor_on``
    the date its deadlines count from (a child's birth), if any; ``choices`` a JSON object
    of the paths the officer chose at its branches (``{branch: path}``). When the need is
    marked met or not met, ``outcome`` says which and ``stopped_step`` names the step the
    person had reached if the itinerary was not finished (what the référentiel learns).
    Its steps are :class:`AccompanimentStep` rows.
    """

    __tablename__ = "case_itinerary"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    need_key: Mapped[str] = mapped_column(String(64))
    template_id: Mapped[str] = mapped_column(String(64), index=True)
    template_version: Mapped[int]
    state: Mapped[ItineraryState] = mapped_column(
        _enum(ItineraryState), default=ItineraryState.ACTIVE
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    anchor_on: Mapped[date | None] = mapped_column(default=None)
    choices: Mapped[str] = mapped_column(Text, default="{}")
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    outcome: Mapped[str] = mapped_column(String(16), default="")
    stopped_step: Mapped[str] = mapped_column(String(64), default="")


class AccompanimentStep(SyncedRecord, Base):
    """A step of the person's itinerary with a due date: a call back, an appointment.

    A step the officer planned by hand has no ``itinerary_id``. A step of an itinerary
    (:class:`CaseItinerary`) names its template's step (``step_key``, ``position`` in the
    template), its legal deadline if it has one (``deadline_on``), and when it was skipped
    rather than done, why (``skip_reason``, one of :data:`STEP_SKIP_REASONS`): ``done_at``
    is when it was finished either way.
    """

    __tablename__ = "accompaniment_step"
    __table_args__ = (Index(None, "done_at", "due_on"),)

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    description: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    done_at: Mapped[datetime | None] = mapped_column(default=None)
    itinerary_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("case_itinerary.id"), default=None, index=True
    )
    step_key: Mapped[str] = mapped_column(String(64), default="")
    position: Mapped[int] = mapped_column(default=0)
    deadline_on: Mapped[date | None] = mapped_column(default=None)
    skip_reason: Mapped[str] = mapped_column(String(32), default="")


class Referral(SyncedRecord, Base):
    """A referral of the person to a service of the directory, for one need.

    ``code`` is short and read aloud; ``token`` is unguessable and goes in the slip's QR
    code. The service's name and organisation are copied when the referral is made, so that
    the slip and the case still read right if the directory changes.
    """

    __tablename__ = "referral"
    __table_args__ = (
        UniqueConstraint("code"),
        UniqueConstraint("token"),
        Index(None, "state", "due_at"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case.id"), index=True)
    need_key: Mapped[str] = mapped_column(String(64))
    service_id: Mapped[uuid.UUID]
    service_name: Mapped[str] = mapped_column(String(300))
    organization_name: Mapped[str] = mapped_column(String(300), default="")
    code: Mapped[str] = mapped_column(String(16))
    token: Mapped[str] = mapped_column(String(64))
    priority: Mapped[ReferralPriority] = mapped_column(_enum(ReferralPriority))
    state: Mapped[ReferralState] = mapped_column(
        _enum(ReferralState), default=ReferralState.CREATED
    )
    due_at: Mapped[datetime]
    consent_share: Mapped[bool]
    override_reason: Mapped[str] = mapped_column(String(200), default="")
    redirected_from_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("referral.id"), default=None, index=True
    )
    reason: Mapped[str] = mapped_column(String(200), default="")
    provided: Mapped[str] = mapped_column(String(300), default="")
    outcome_on: Mapped[date | None] = mapped_column(default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    discreet: Mapped[bool] = mapped_column(default=False)


class ReferralEvent(SyncedRecord, Base):
    """One change of a referral's state. Append-only: never changed once written."""

    __tablename__ = "referral_event"

    referral_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("referral.id"), index=True)
    state: Mapped[ReferralState] = mapped_column(_enum(ReferralState))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(16), default="officer")  # officer|partner|phone
    reason: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(String(300), default="")
    author: Mapped[str] = mapped_column(String(64), default="")


class PersonKey(Base):
    """A search key of a person's name (``kiosk.persons.matching``). Local and derived."""

    __tablename__ = "person_key"
    __table_args__ = (Index(None, "key", "person_id"),)

    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)


class IntakeDraft(Base):
    """An intake being filled in, saved as the officer types. Local: never synced."""

    __tablename__ = "intake_draft"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    person_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    form_id: Mapped[str] = mapped_column(String(32))
    form_version: Mapped[int]
    language: Mapped[str] = mapped_column(String(8), default="fr")
    step: Mapped[int] = mapped_column(default=0)
    answers: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class StatRecord(SyncedRecord, Base):
    """The de-identified statistics projection of one counted contact (``kiosk.statistics``).

    Made at the office for a visitor who agreed to be counted (or an anonymous contact),
    once the month is over: the month, never a date; no name, phone, birth year or free
    text. The region reads its dimensions in clear and computes every figure from these
    records alone; ``intake_id`` stays at the office (sealed), so the region cannot link
    a record to the person's sealed records. ``needs``, ``outcomes`` and ``resolutions``
    are JSON lists (``resolutions``: ``[need_key, state]`` of the case's needs among
    ``needs``, as they stood when the record was made).
    """

    __tablename__ = "stat_record"

    intake_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    category: Mapped[str] = mapped_column(String(16))
    sex: Mapped[str] = mapped_column(String(8))
    age_band: Mapped[str] = mapped_column(String(8))
    nationality: Mapped[str] = mapped_column(String(8))
    commune: Mapped[str] = mapped_column(String(100))
    needs: Mapped[str] = mapped_column(Text, default="[]")
    outcomes: Mapped[str] = mapped_column(Text, default="[]")
    resolutions: Mapped[str] = mapped_column(Text, default="[]")
    cmsm: Mapped[str] = mapped_column(Text, default="[]")


class StepStat(SyncedRecord, Base):
    """The de-identified duration of one itinerary step finished in a month (``kiosk.
    itineraries.statistics``): the template, the step, done or skipped, and how many days
    it took. No person, no case, no date but the month; ``step_id`` stays at the office
    (sealed), so that the region cannot tie it to the case's sealed records.
    """

    __tablename__ = "step_stat"

    step_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    template: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(8))
    days: Mapped[int]
