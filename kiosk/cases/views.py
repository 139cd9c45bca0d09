"""What the desk and the command line show of cases: one case's timeline, lists, follow-up.

Each function takes a session and returns plain data (dicts ready for JSON), so that the
interface never holds a live record.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session, aliased

from db.cases import (
    AccompanimentStep,
    Case,
    CaseEntry,
    CaseEntryKind,
    CaseItinerary,
    CaseNeed,
    CaseNeedEvent,
    CaseStatus,
    Intake,
    IntakeDraft,
    NeedState,
    Person,
    PersonChange,
    Referral,
    ReferralEvent,
    ReferralState,
    Visit,
)
from kiosk.cases.corrections import CORRECTED
from kiosk.cases.persons import NAME_FIELDS, full_name, listed, name_line, person_view
from kiosk.cases.referrals import OPEN_STATES, referral_view
from kiosk.clock import office_day
from kiosk.itineraries.dates import days_left
from kiosk.itineraries.views import case_itineraries, need_itineraries


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _timeline(
    session: Session, case: Case, referrals: list[Referral], names: dict[str, str]
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [{"at": _stamp(case.opened_at), "kind": "opened", "text": ""}]
    for visit in session.scalars(select(Visit).where(Visit.case_id == case.id)):
        ticket = str(visit.ticket_id) if visit.ticket_id else None
        items.append({"at": _stamp(visit.at), "kind": "visit", "text": "", "ticket_id": ticket})
    for intake in session.scalars(select(Intake).where(Intake.case_id == case.id)):
        consent = "share" if intake.consent_share else "record"
        items.append({"at": _stamp(intake.at), "kind": "intake", "text": consent})
    for entry in session.scalars(select(CaseEntry).where(CaseEntry.case_id == case.id)):
        kind = CaseEntryKind(entry.kind).value
        items.append({"at": _stamp(entry.at), "kind": kind, "text": entry.text})
    codes = {referral.id: referral for referral in referrals}
    if codes:
        events = select(ReferralEvent).where(ReferralEvent.referral_id.in_(list(codes)))
        for event in session.scalars(events):
            referral = codes[event.referral_id]
            items.append(
                {
                    "at": _stamp(event.at),
                    "kind": f"referral_{ReferralState(event.state).value}",
                    "text": f"{referral.code} {referral.service_name}",
                    "referral_id": str(referral.id),
                    "source": event.source,
                    "reason": event.reason,
                    "detail": event.detail,
                }
            )
    for change in session.scalars(
        select(PersonChange).where(PersonChange.person_id == case.person_id)
    ):
        items.append(
            {
                "at": _stamp(change.at),
                "kind": CORRECTED,
                "text": "",
                "fields": change.fields.split(),
                "reason": change.reason,
                "author": change.author,
            }
        )
    need_events = select(CaseNeedEvent, CaseNeed.need_key).join(
        CaseNeed, CaseNeed.id == CaseNeedEvent.need_id
    )
    for need_event, need_key in session.execute(need_events.where(CaseNeed.case_id == case.id)):
        items.append(
            {
                "at": _stamp(need_event.at),
                "kind": f"need_{NeedState(need_event.state).value}",
                "text": need_key,
                "reason": need_event.reason,
                "author": need_event.author,
            }
        )
    for step in session.scalars(
        select(AccompanimentStep).where(AccompanimentStep.case_id == case.id)
    ):
        if step.done_at is not None:
            text = names.get(str(step.id), step.description)
            kind = "step_skipped" if step.skip_reason else "step_done"
            items.append(
                {"at": _stamp(step.done_at), "kind": kind, "text": text, "reason": step.skip_reason}
            )
    for itinerary in session.scalars(select(CaseItinerary).where(CaseItinerary.case_id == case.id)):
        items.append(
            {
                "at": _stamp(itinerary.started_at),
                "kind": "itinerary_started",
                "text": itinerary.template_id,
                "need": itinerary.need_key,
            }
        )
    if case.closed_at is not None:
        items.append({"at": _stamp(case.closed_at), "kind": "closed", "text": case.close_reason})
    items.sort(key=lambda item: item["at"] or "")
    return items


def _need_view(need: CaseNeed, referrals: list[Referral]) -> dict[str, Any]:
    """A need with its state, and while it is open the code of the latest referral for it
    that the service reported done: the officer is asked whether the need was met."""
    state = NeedState(need.state)
    done = [
        referral
        for referral in referrals
        if referral.need_key == need.need_key
        and ReferralState(referral.state) is ReferralState.DONE
    ]
    latest = max(done, key=lambda referral: referral.created_at, default=None)
    return {
        "need": need.need_key,
        "state": state.value,
        "reason": need.reason,
        "suggest_met": latest.code if latest is not None and state is NeedState.OPEN else None,
    }


def _step_view(step: AccompanimentStep, templates: dict[Any, str]) -> dict[str, Any]:
    """A step of the case: planned by hand, or a step of an itinerary (its template, its
    step's key, legal deadline and why it was skipped)."""
    return {
        "step_id": str(step.id),
        "description": step.description,
        "due_on": step.due_on.isoformat(),
        "due": step.due_on.isoformat(),
        "done_at": _stamp(step.done_at),
        "itinerary_id": str(step.itinerary_id) if step.itinerary_id else None,
        "template": templates.get(step.itinerary_id),
        "step": step.step_key or None,
        "deadline": step.deadline_on.isoformat() if step.deadline_on else None,
        "skip_reason": step.skip_reason,
    }


def case_detail(
    session: Session, case: Case, regional_url: str, now: datetime, language: str = "fr"
) -> dict[str, Any]:
    """Everything about one case, with its timeline in order and its itineraries (texts in
    ``language``)."""
    person = session.get(Person, case.person_id)
    referrals = list(session.scalars(select(Referral).where(Referral.case_id == case.id)))
    needs = session.scalars(select(CaseNeed).where(CaseNeed.case_id == case.id)).all()
    steps = session.scalars(
        select(AccompanimentStep)
        .where(AccompanimentStep.case_id == case.id)
        .order_by(AccompanimentStep.due_on)
    ).all()
    itineraries = case_itineraries(session, case, now, language)
    templates = {
        itinerary.id: itinerary.template_id
        for itinerary in session.scalars(
            select(CaseItinerary).where(CaseItinerary.case_id == case.id)
        )
    }
    need_views = [_need_view(need, referrals) for need in needs]
    need_itineraries(session, case, need_views, itineraries, now)
    names = {row["step_id"]: row["title"] for view in itineraries for row in view["steps"]}
    step_views = [_step_view(step, templates) for step in steps]
    for view in step_views:
        view["description"] = names.get(view["step_id"], view["description"])
    return {
        "case_id": str(case.id),
        "code": case.code,
        "status": CaseStatus(case.status).value,
        "opened_at": _stamp(case.opened_at),
        "closed_at": _stamp(case.closed_at),
        "close_reason": case.close_reason,
        "held": case.held,
        "person": person_view(person) if person else None,
        "needs": need_views,
        "steps": step_views,
        "itineraries": itineraries,
        "referrals": [referral_view(referral, regional_url, now) for referral in referrals],
        "timeline": _timeline(session, case, referrals, names),
    }


def cases_page(open_only: bool = False, limit: int = 50, offset: int = 0) -> Select[Case, Person]:
    """The statement of a page of cases with their persons, the most recently opened first.

    The page's cases are chosen first, walking the cases in their opening order, each
    person looked up by its key: joined outright, SQLite's planner read every person and
    sorted all their cases (a third of a second a page among 200,000)."""
    page = (
        select(Case.id)
        .where(exists().where(Person.id == Case.person_id, listed()))
        .order_by(Case.opened_at.desc())
        .limit(limit)
        .offset(offset)
    )
    if open_only:
        page = page.where(Case.status == CaseStatus.OPEN)
    return (
        select(Case, Person)
        .join(Person, Person.id == Case.person_id)
        .where(Case.id.in_(page.scalar_subquery()))
        .order_by(Case.opened_at.desc())
    )


def list_cases(
    session: Session, open_only: bool = False, limit: int = 50, offset: int = 0
) -> list[dict[str, Any]]:
    """Cases, the most recently opened first, with the person's name (a page at a time)."""
    statement = cases_page(open_only, limit, offset)
    return [
        {
            "case_id": str(case.id),
            "code": case.code,
            "status": CaseStatus(case.status).value,
            "opened_at": _stamp(case.opened_at),
            "person": full_name(person),
            "person_id": str(person.id),
            **{key: getattr(person, key) for key in NAME_FIELDS},
        }
        for case, person in session.execute(statement)
    ]


def contact(phone: str, no_call: bool) -> dict[str, Any]:
    """How a follow-up list may reach a person: their phone, unless they asked not to be
    called (then no number at all, and ``no_call``)."""
    return {"phone": "" if no_call else phone, "no_call": no_call}


def list_referrals(
    session: Session, regional_url: str, now: datetime, overdue_only: bool = False, limit: int = 300
) -> list[dict[str, Any]]:
    """Referrals, the latest due first (only those past due without an outcome if asked),
    each with the code of its case."""
    statement = (
        select(Referral, Case.code, Person.phone, Person.no_call)
        .join(Case, Case.id == Referral.case_id)
        .join(Person, Person.id == Case.person_id)
        .where(listed())
    )
    if overdue_only:
        statement = statement.where(Referral.state.in_(list(OPEN_STATES)), Referral.due_at < now)
    rows = session.execute(statement.order_by(Referral.due_at.desc()).limit(limit))
    return [
        {**referral_view(referral, regional_url, now), "case_code": code, **contact(phone, no_call)}
        for referral, code, phone, no_call in rows
    ]


def follow_up(session: Session, now: datetime, regional_url: str = "") -> dict[str, Any]:
    """The desk's home lists: steps due today and overdue (an itinerary's only once the
    steps before it are finished), and every step with a legal deadline running, with its
    days left; referrals overdue; drafts (none of a restricted person)."""
    today = office_day(now)
    earlier = aliased(AccompanimentStep)
    waiting = exists().where(
        earlier.itinerary_id == AccompanimentStep.itinerary_id,
        earlier.done_at.is_(None),
        earlier.position < AccompanimentStep.position,
    )
    step_rows = session.execute(
        select(
            AccompanimentStep, Case.code, Person.phone, Person.no_call, CaseItinerary.template_id
        )
        .join(Case, Case.id == AccompanimentStep.case_id)
        .join(Person, Person.id == Case.person_id)
        .outerjoin(CaseItinerary, CaseItinerary.id == AccompanimentStep.itinerary_id)
        .where(
            AccompanimentStep.done_at.is_(None),
            or_(AccompanimentStep.due_on <= today, AccompanimentStep.deadline_on.is_not(None)),
            or_(
                AccompanimentStep.itinerary_id.is_(None),
                AccompanimentStep.deadline_on.is_not(None),
                ~waiting,
            ),
            listed(),
        )
        .order_by(AccompanimentStep.due_on)
        .limit(200)
    )
    steps = [
        {
            "step_id": str(step.id),
            "case_id": str(step.case_id),
            "case_code": code,
            "description": step.description,
            "due_on": step.due_on.isoformat(),
            "due": step.due_on.isoformat(),
            "overdue": step.due_on < today,
            "template": template,
            "step": step.step_key or None,
            "deadline": step.deadline_on.isoformat() if step.deadline_on else None,
            "days_left": days_left(step.deadline_on, now) if step.deadline_on else None,
            **contact(phone, no_call),
        }
        for step, code, phone, no_call, template in step_rows
    ]
    referrals = session.execute(
        select(Referral, Person.phone, Person.no_call)
        .join(Case, Case.id == Referral.case_id)
        .join(Person, Person.id == Case.person_id)
        .where(and_(Referral.state.in_(list(OPEN_STATES)), Referral.due_at < now), listed())
        .order_by(Referral.due_at)
        .limit(200)
    ).all()
    return {
        "steps": steps,
        "referrals": [
            {**referral_view(referral, regional_url, now), **contact(phone, no_call)}
            for referral, phone, no_call in referrals
        ],
        "drafts": list_drafts(session),
    }


def list_drafts(session: Session, user_id: uuid.UUID | None = None) -> list[dict[str, Any]]:
    """Intakes started and not finished, the most recent first."""
    statement = select(IntakeDraft).order_by(IntakeDraft.updated_at.desc()).limit(100)
    if user_id is not None:
        statement = statement.where(IntakeDraft.user_id == user_id)
    drafts = []
    for draft in session.scalars(statement):
        answers = json.loads(draft.answers or "{}")
        name = name_line({key: answers.get(f"person.{key}") for key in NAME_FIELDS})
        drafts.append(
            {
                "draft_id": str(draft.id),
                "name": name,
                "step": draft.step,
                "updated_at": _stamp(draft.updated_at),
                "person_id": str(draft.person_id) if draft.person_id else None,
                "ticket_id": str(draft.ticket_id) if draft.ticket_id else None,
            }
        )
    return drafts
