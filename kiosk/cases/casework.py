"""What the officer writes on a case: information given, notes, follow-up steps, closing it.

A need marked met or not met, and a case closed, close the itineraries that lead its needs
(``kiosk.itineraries.casework``); a step of an itinerary, once done, plans it again.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import utcnow
from db.cases import (
    NEED_NOT_MET_REASONS,
    AccompanimentStep,
    Case,
    CaseEntry,
    CaseEntryKind,
    CaseNeed,
    CaseNeedEvent,
    CaseStatus,
    NeedState,
)
from db.uow import UnitOfWork
from kiosk.cases.codes import CodeError, id_or_code
from kiosk.cases.errors import CaseWorkError, readable
from kiosk.itineraries import casework as itineraries

NOTE_LIMIT = 500
CLOSE_REASONS = ("need_met", "abandoned", "referred_elsewhere", "moved_away", "other")


class CaseError(CaseWorkError):
    """A case request that cannot be met; the message says why, in plain words."""


def find_case(session: Session, code_or_id: str) -> Case:
    """The case with this code (as typed) or id, else a :class:`CaseError`."""
    text = code_or_id.strip()
    try:
        key = id_or_code(text)
    except CodeError:
        raise CaseError(
            f"{text!r} is neither a case code (C-XXXXXX) nor a case id", "not_a_case", text=text
        ) from None
    if isinstance(key, str):
        found = session.scalar(select(Case).where(Case.code == key))
    else:
        found = session.get(Case, key)
    if found is None:
        raise CaseError(f"no case {text}", "no_case", case=text)
    return found


def _open(case: Case) -> Case:
    if CaseStatus(case.status) is not CaseStatus.OPEN:
        raise CaseError(f"case {case.code} is closed: reopen it first", "closed", case=case.code)
    return case


def add_entry(uow: UnitOfWork, case: Case, kind: CaseEntryKind, text: str) -> CaseEntry:
    """Write a line on the case: information given, a short note, an outcome heard by phone."""
    text = readable(" ".join(text.split()), CaseError)
    if not text:
        raise CaseError("the text is empty", "empty_text")
    if len(text) > NOTE_LIMIT:
        raise CaseError(
            f"keep it short: at most {NOTE_LIMIT} characters ({len(text)} given)",
            "too_long",
            limit=NOTE_LIMIT,
            length=len(text),
        )
    return uow.add(CaseEntry(case_id=_open(case).id, kind=kind, text=text, author=uow.actor.name))


def add_step(uow: UnitOfWork, case: Case, description: str, due_on: date) -> AccompanimentStep:
    """Plan a step of the itinerary (a call back, an appointment) for a day."""
    description = readable(" ".join(description.split()), CaseError)
    if not description:
        raise CaseError("say what the step is", "empty_step")
    return uow.add(
        AccompanimentStep(case_id=_open(case).id, description=description[:200], due_on=due_on)
    )


def complete_step(uow: UnitOfWork, step_id: uuid.UUID) -> AccompanimentStep:
    """Mark a step done (once; done again, it changes nothing)."""
    step = uow.session.get(AccompanimentStep, step_id)
    if step is None:
        raise CaseError(f"no step {step_id}", "no_step")
    if step.done_at is None:
        itineraries.finish_step(uow, step, utcnow())
    return step


def set_need_state(
    uow: UnitOfWork, case: Case, need_key: str, state: str, reason: str = ""
) -> CaseNeed:
    """Mark one need of the open case met, not met (with one of
    :data:`~db.cases.NEED_NOT_MET_REASONS`) or open again; each change is an event of the
    case's timeline. Asking for the state the need is in already changes nothing."""
    try:
        wanted = NeedState(state)
    except ValueError:
        raise CaseError(f"a need is open, met or not_met, not {state!r}", "need_state") from None
    if wanted is NeedState.NOT_MET and reason not in NEED_NOT_MET_REASONS:
        raise CaseError(
            f"a need not met needs a reason among: {', '.join(NEED_NOT_MET_REASONS)}",
            "need_reason",
        )
    if wanted is not NeedState.NOT_MET and reason:
        raise CaseError(f"a {wanted.value} need has no reason", "need_no_reason")
    need = uow.session.scalar(
        select(CaseNeed).where(CaseNeed.case_id == _open(case).id, CaseNeed.need_key == need_key)
    )
    if need is None:
        raise CaseError(f"case {case.code} has no need {need_key}", "no_need", need=need_key)
    if NeedState(need.state) is wanted and need.reason == reason:
        return need
    need.state, need.reason = wanted, reason
    uow.add(need)
    uow.add(CaseNeedEvent(need_id=need.id, state=wanted, reason=reason, author=uow.actor.name))
    itineraries.need_changed(uow, case, need, utcnow())
    return need


def close_case(uow: UnitOfWork, case: Case, reason: str) -> Case:
    """Close the case: the need is met or abandoned (DOMAIN.md)."""
    if reason not in CLOSE_REASONS:
        raise CaseError(f"a case is closed for one of: {', '.join(CLOSE_REASONS)}", "close_reason")
    _open(case)
    itineraries.case_closed(uow, case, utcnow())
    case.status = CaseStatus.CLOSED
    case.closed_at = utcnow()
    case.close_reason = reason
    return uow.add(case)


def reopen_case(uow: UnitOfWork, case: Case) -> Case:
    """Open a closed case again (the person came back for the same matter)."""
    if CaseStatus(case.status) is CaseStatus.OPEN:
        return case
    case.status = CaseStatus.OPEN
    case.closed_at = None
    case.close_reason = ""
    return uow.add(case)
