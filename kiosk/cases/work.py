"""The officer's work on cases, as the desk and the command line ask for it.

Each function takes the office context (and the actor for writes) and ids or plain values,
opens its own session (a write is one unit of work), and returns plain data, never a live
record: the desk runs them on its worker thread, ``baom`` calls them directly.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from db import directory as d
from db.base import utcnow
from db.cases import (
    Case,
    CaseEntryKind,
    CaseItinerary,
    NeedState,
    ReferralPriority,
    ReferralState,
)
from db.uow import Actor
from kiosk.audit import CASE_READ, record_read
from kiosk.cases import casework, referrals
from kiosk.cases.corrections import correct_person
from kiosk.cases.errors import readable
from kiosk.cases.intake import person_value
from kiosk.cases.persons import (
    NAME_FIELDS,
    PersonError,
    find_person,
    index_person,
    merge_persons,
    search_persons,
)
from kiosk.cases.views import case_detail, follow_up, list_cases, list_drafts, list_referrals
from kiosk.clock import office_day
from kiosk.directory.profile import localised
from kiosk.directory.rows import rows_of
from kiosk.directory.view import office_commune
from kiosk.itineraries import casework as itineraries
from kiosk.itineraries.views import (
    itinerary_view,
    name_steps,
    name_templates,
    propose_services,
)
from kiosk.office import OfficeContext


def read_case(
    context: OfficeContext,
    case_id: str,
    now: datetime | None = None,
    language: str = "fr",
    reader: Actor | None = None,
) -> dict[str, Any]:
    """Everything about one case, with its timeline and whether it may be shared; services
    named in ``language``. A ``reader`` opening the case is audited (``case.read``); a page
    reading the case again after a change gives none."""
    with context.store.session() as session:
        case = casework.find_case(session, case_id)
        detail = case_detail(session, case, context.regional_url, now or utcnow(), language)
        detail["consent_share"] = referrals.consent_to_share(session, case.id)
        name_services(session, detail["referrals"], language)
        propose_services(session, case, detail["itineraries"], office_commune(context), language)
    name_templates(detail, language)
    if reader is not None:
        record_read(context, reader, CASE_READ, case)
    return detail


def name_services(session: Session, rows: list[dict[str, Any]], language: str) -> None:
    """Name the service of each referral in ``rows`` in ``language``, as the directory has
    it now (the name kept when the referral was made, if the directory lost the service)."""
    ids = list({uuid.UUID(row["service_id"]) for row in rows})
    names = {
        service["id"]: localised(service, "name", language)
        for service in rows_of(session, d.Service, id=ids)
    }
    for row in rows:
        row["service"] = names.get(uuid.UUID(row["service_id"])) or row["service"]


def find_people(context: OfficeContext, query: str) -> list[dict[str, Any]]:
    """Persons matching ``query`` with their cases; the recent cases when it is empty."""
    with context.store.session() as session:
        if not query.strip():
            return [
                {
                    "person_id": row["person_id"],
                    **{key: row[key] for key in NAME_FIELDS},
                    "cases": [{k: row[k] for k in ("case_id", "code", "status")}],
                }
                for row in list_cases(session, limit=30)
            ]
        return [hit.as_json() for hit in search_persons(session, query, limit=30)]


def merge(context: OfficeContext, actor: Actor, keep_id: str, merged_id: str) -> int:
    """Merge person ``merged_id`` into ``keep_id`` (supervisors); returns the cases moved."""
    with context.store.unit_of_work(actor) as uow:
        return merge_persons(uow, uuid.UUID(keep_id), uuid.UUID(merged_id))


REASON_LIMIT = 200
"""The longest reason of a rectification (``person_change.reason``)."""


def rectify(
    context: OfficeContext,
    actor: Actor,
    person_id: str,
    field: str,
    value: str,
    reason: str,
    language: str = "fr",
) -> dict[str, Any]:
    """Correct one field of a person at their request, for ``reason``: the value checked as
    the intake checks it (:class:`~kiosk.cases.intake.IntakeInvalid` naming the field, in
    ``language``), the previous value kept on the person's corrections timeline
    (``kiosk.cases.corrections``). Returns ``{"person_id", "field", "changed"}``."""
    reason = readable(" ".join(reason.split()), PersonError)
    if not reason:
        raise PersonError("give the reason of the correction (--reason)", "rectify_reason")
    if len(reason) > REASON_LIMIT:
        raise PersonError(
            f"keep the reason short: at most {REASON_LIMIT} characters ({len(reason)} given)",
            "too_long",
            limit=REASON_LIMIT,
            length=len(reason),
        )
    with context.store.unit_of_work(actor) as uow:
        person = find_person(uow.session, person_id)
        new = person_value(person, field, value, language)
        correction = correct_person(uow, person, {field: new}, {field}, reason)
        index_person(uow.session, person)
        return {"person_id": str(person.id), "field": field, "changed": bool(correction.changed)}


def set_no_call(context: OfficeContext, actor: Actor, person_id: str, no_call: bool) -> bool:
    """Record that a person asked not to be called (or may be called again): their number
    then stays out of every follow-up list. A change of the person's record like any
    correction (kept on their timeline, audited naming the field; the field's name says
    why, in the reader's language); returns whether it changed anything."""
    with context.store.unit_of_work(actor) as uow:
        person = find_person(uow.session, person_id)
        correction = correct_person(uow, person, {"no_call": no_call}, {"no_call"})
        return bool(correction.changed)


def read_follow_up(
    context: OfficeContext,
    user_id: uuid.UUID | None,
    now: datetime | None = None,
    language: str = "fr",
) -> dict[str, Any]:
    """The home page's lists: steps due, referrals overdue, and ``user_id``'s own drafts.

    A draft holds what one officer typed, valid or not: another officer never sees it.
    """
    with context.store.session() as session:
        lists = follow_up(session, now or utcnow(), context.regional_url)
        name_services(session, lists["referrals"], language)
        name_steps(lists["steps"], language)
        lists["drafts"] = list_drafts(session, user_id) if user_id is not None else []
        return lists


def read_referrals(
    context: OfficeContext, overdue_only: bool, now: datetime | None = None, language: str = "fr"
) -> list[dict[str, Any]]:
    """Referrals, the most recent first (the overdue ones only if asked), with case codes;
    services named in ``language``."""
    with context.store.session() as session:
        rows = list_referrals(session, context.regional_url, now or utcnow(), overdue_only)
        name_services(session, rows, language)
        return rows


def _case_keys(case: Case) -> dict[str, str]:
    return {"case_id": str(case.id), "code": case.code}


def write_entry(
    context: OfficeContext, actor: Actor, case_id: str, kind: str, text: str
) -> dict[str, str]:
    """Add information given, a note or an outcome to a case (its code or id); returns the
    case's id and code, as every write on a case below."""
    with context.store.unit_of_work(actor) as uow:
        case = casework.find_case(uow.session, case_id)
        casework.add_entry(uow, case, CaseEntryKind(kind), text)
        return _case_keys(case)


def write_step(
    context: OfficeContext, actor: Actor, case_id: str, description: str, due_on: date
) -> dict[str, str]:
    """Plan a step of the itinerary."""
    with context.store.unit_of_work(actor) as uow:
        case = casework.find_case(uow.session, case_id)
        casework.add_step(uow, case, description, due_on)
        return _case_keys(case)


def finish_step(context: OfficeContext, actor: Actor, step_id: str) -> None:
    """Mark a step done."""
    with context.store.unit_of_work(actor) as uow:
        casework.complete_step(uow, uuid.UUID(step_id))


def apply_itinerary(
    context: OfficeContext,
    actor: Actor,
    case_id: str,
    need: str,
    template_id: str | None = None,
    anchor_on: date | None = None,
    choices: Mapping[str, str] | None = None,
    now: datetime | None = None,
    language: str = "fr",
) -> dict[str, Any]:
    """Apply an itinerary template to the need ``need`` of a case (its code or id): the
    template ``template_id``, else the one the office proposes for the need; with the date
    its deadlines count from (else the intake's, a newborn's birth) and the paths chosen at
    its branches. Returns the itinerary as :func:`read_case` shows it, with the case's id
    and code."""
    moment = now or utcnow()
    with context.store.unit_of_work(actor) as uow:
        case = casework.find_case(uow.session, case_id)
        if template_id is None:
            template = itineraries.propose(uow.session, case, need, office_day(moment))
            if template is None:
                raise itineraries.ItineraryError(
                    f"no itinerary template is proposed for the need {need}: choose one "
                    "(baom itinerary list)",
                    "no_proposal",
                    need=need,
                )
        else:
            template = itineraries.find_template(template_id)
        applied = itineraries.apply_template(uow, case, need, template, moment, anchor_on, choices)
        uow.session.flush()
        view = itinerary_view(uow.session, case, applied, moment, language)
        return {**_case_keys(case), **view}


def step_done(
    context: OfficeContext,
    actor: Actor,
    case_id: str,
    step: str,
    skip_reason: str = "",
    need: str | None = None,
    now: datetime | None = None,
    language: str = "fr",
) -> dict[str, Any]:
    """Mark a step of a case done, or skipped for ``skip_reason``: ``step`` is a step's id,
    or the key of a step still to do of one of its itineraries (of ``need`` when several
    have one). Returns the step, and the itinerary it belongs to as it stands now."""
    moment = now or utcnow()
    with context.store.unit_of_work(actor) as uow:
        case = casework.find_case(uow.session, case_id)
        found = itineraries.find_step(uow.session, case, step, need)
        itineraries.finish_step(uow, found, moment, skip_reason)
        uow.session.flush()
        answer: dict[str, Any] = {
            **_case_keys(case),
            "step_id": str(found.id),
            "step": found.step_key or None,
            "state": "skipped" if skip_reason else "done",
            "itinerary": None,
        }
        if found.itinerary_id is not None:
            itinerary = uow.session.get(CaseItinerary, found.itinerary_id)
            if itinerary is not None:
                answer["itinerary"] = itinerary_view(uow.session, case, itinerary, moment, language)
        return answer


def set_need_state(
    context: OfficeContext, actor: Actor, case_id: str, need: str, state: str, reason: str = ""
) -> dict[str, str]:
    """Mark the need ``need`` of a case met, not met (with a reason) or open again; returns
    the case's id and code with the need, its state and reason."""
    with context.store.unit_of_work(actor) as uow:
        case = casework.find_case(uow.session, case_id)
        changed = casework.set_need_state(uow, case, need, state, reason)
        state_now = NeedState(changed.state).value
        return {**_case_keys(case), "need": need, "state": state_now, "reason": changed.reason}


def close_case(context: OfficeContext, actor: Actor, case_id: str, reason: str) -> dict[str, str]:
    """Close a case for ``reason``."""
    with context.store.unit_of_work(actor) as uow:
        case = casework.find_case(uow.session, case_id)
        casework.close_case(uow, case, reason)
        return _case_keys(case)


def reopen_case(context: OfficeContext, actor: Actor, case_id: str) -> dict[str, str]:
    """Open a closed case again."""
    with context.store.unit_of_work(actor) as uow:
        case = casework.find_case(uow.session, case_id)
        casework.reopen_case(uow, case)
        return _case_keys(case)


def make_referral(
    context: OfficeContext,
    actor: Actor,
    case_id: str,
    service_id: str,
    need: str,
    priority: str,
    override_reason: str = "",
    discreet: bool = False,
) -> str:
    """Create a referral (``discreet``: its slip names no service); returns its code
    (``ReferralError`` when refused)."""
    request = referrals.NewReferral(
        case_id=uuid.UUID(case_id),
        service_id=service_id,
        need_key=need,
        priority=ReferralPriority(priority),
        override_reason=override_reason,
        discreet=discreet,
    )
    with context.store.unit_of_work(actor) as uow:
        return referrals.create_referral(uow, request).code


def set_referral_state(
    context: OfficeContext,
    actor: Actor,
    referral_id: str,
    state: str,
    reason: str = "",
    provided: str = "",
    outcome_on: date | None = None,
) -> dict[str, Any]:
    """Record a change of state of the referral ``referral_id`` (an id or a code) told by an
    officer; returns the referral as shown (``referral_view``).

    An outcome (accepted, declined, done) is the service's word, which the office hears by
    phone (a partner's report on its page comes by sync): it is recorded from ``phone``,
    and on a referral still created it marks it sent by phone first
    (``referrals.record_state``). Sent, withdrawn and expired are the officer's own acts.
    The desk's outcome dialog and ``baom referral set`` both come here.
    """
    wanted = ReferralState(state)
    source = "phone" if wanted in referrals.OUTCOME_STATES else "officer"
    change = referrals.StateChange(wanted, reason, provided, outcome_on, source)
    with context.store.unit_of_work(actor) as uow:
        referral = referrals.find_referral(uow.session, referral_id)
        referrals.record_state(uow, referral, change)
        return referrals.referral_view(referral, context.regional_url, utcnow())
