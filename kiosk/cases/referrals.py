"""Referrals: made from a need to a service of the directory, followed until their outcome.

States and transitions follow DOMAIN.md::

    created → sent → accepted | declined(reason) → done(what, date)
                   | withdrawn | expired | redirected (to a new, linked referral)

Every change of state appends a :class:`ReferralEvent`; an invalid transition is a
:class:`ReferralError` naming the referral, its state and the state asked for.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import new_id, utcnow
from db.cases import (
    DECLINE_REASONS,
    Case,
    CaseNeed,
    CaseStatus,
    Intake,
    Referral,
    ReferralEvent,
    ReferralPriority,
    ReferralState,
)
from db.uow import UnitOfWork
from kiosk.accounts import Permission, has_permission
from kiosk.cases.codes import CodeError, id_or_code, new_referral_code, new_token
from kiosk.cases.errors import CaseWorkError, readable
from kiosk.clock import office_moment, office_today
from kiosk.directory.card import UnknownService, service_card
from protocol.directory.profile import NEED_CATEGORIES

if TYPE_CHECKING:
    from protocol.wire import ReferralOutcome

DUE_AFTER = {
    ReferralPriority.EMERGENCY: timedelta(hours=24),
    ReferralPriority.URGENT: timedelta(hours=72),
    ReferralPriority.NORMAL: timedelta(days=14),
}
OPEN_STATES = frozenset({ReferralState.CREATED, ReferralState.SENT, ReferralState.ACCEPTED})
OUTCOME_STATES = frozenset({ReferralState.ACCEPTED, ReferralState.DECLINED, ReferralState.DONE})
"""The service's words on a referral: heard by phone at the office, or reported on its page."""
DISCREET_NEEDS = frozenset({"womens_services", "psychosocial_support", "family_child_protection"})
"""Kinds of service a person may not want seen on paper: a referral for one of them is
proposed as discreet (its slip names no service), which the officer may change."""

S = ReferralState
TRANSITIONS: dict[ReferralState, frozenset[ReferralState]] = {
    S.CREATED: frozenset({S.SENT, S.WITHDRAWN, S.EXPIRED, S.REDIRECTED}),
    S.SENT: frozenset({S.ACCEPTED, S.DECLINED, S.DONE, S.WITHDRAWN, S.EXPIRED, S.REDIRECTED}),
    S.ACCEPTED: frozenset({S.DONE, S.DECLINED, S.WITHDRAWN, S.REDIRECTED}),
    S.DECLINED: frozenset({S.REDIRECTED}),
    S.DONE: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.EXPIRED: frozenset(),
    S.REDIRECTED: frozenset(),
}


class ReferralError(CaseWorkError):
    """A referral request that cannot be met; the message says why, in plain words."""


@dataclass(frozen=True)
class NewReferral:
    """What the officer chose: the case, the need, the service and the priority."""

    case_id: uuid.UUID
    service_id: str
    need_key: str
    priority: ReferralPriority = ReferralPriority.NORMAL
    override_reason: str = ""
    redirected_from_id: uuid.UUID | None = None
    discreet: bool = False


def referral_url(regional_url: str, token: str) -> str:
    """The counter-referral link printed as the slip's QR code."""
    return f"{regional_url.rstrip('/')}/r/{token}"


def consent_to_share(session: Session, case_id: uuid.UUID) -> bool:
    """Whether the visitor's latest intake on this case allows sharing with a service."""
    latest = session.scalar(
        select(Intake.consent_share)
        .where(Intake.case_id == case_id)
        .order_by(Intake.at.desc())
        .limit(1)
    )
    return bool(latest)


def _unused_code(session: Session) -> str:
    while True:
        code = new_referral_code()
        if session.scalar(select(Referral.id).where(Referral.code == code)) is None:
            return code


def create_referral(uow: UnitOfWork, request: NewReferral, now: datetime | None = None) -> Referral:
    """Create a referral in state ``created``, with its first event.

    Without the visitor's consent to share, only a supervisor's override (with a reason)
    lets it through. A need not yet on the case is added to it.
    """
    session = uow.session
    now = now or utcnow()
    case = session.get(Case, request.case_id)
    if case is None:
        raise ReferralError(f"no case {request.case_id}", "no_case", case=request.case_id)
    if case.status is not CaseStatus.OPEN:
        raise ReferralError(
            f"case {case.code} is closed: reopen it before referring", "closed", case=case.code
        )
    need = request.need_key
    if need not in NEED_CATEGORIES:
        raise ReferralError(
            f"{need!r} is not a need: one of {', '.join(NEED_CATEGORIES)}", "not_a_need", need=need
        )
    consent = consent_to_share(session, case.id)
    override = readable(request.override_reason.strip(), ReferralError)
    if not consent:
        if not override:
            raise ReferralError(
                f"case {case.code}: the visitor has not consented to sharing with a service; "
                "a supervisor may record an override reason",
                "no_consent",
                case=case.code,
            )
        if not has_permission(uow.actor, Permission.OVERRIDE_CONSENT):
            raise ReferralError(
                "only a supervisor may refer without the visitor's consent", "override_refused"
            )
    try:
        card = service_card(session, request.service_id, "fr", now)
    except UnknownService as error:
        raise ReferralError(str(error), "no_service") from None
    if (
        session.scalar(
            select(CaseNeed.id).where(CaseNeed.case_id == case.id, CaseNeed.need_key == need)
        )
        is None
    ):
        uow.add(CaseNeed(case_id=case.id, need_key=need))
    referral = uow.add(
        Referral(
            id=new_id(),
            case_id=case.id,
            need_key=need,
            service_id=uuid.UUID(card["service_id"]),
            service_name=card["name"] or "",
            organization_name=card["organization"] or "",
            code=_unused_code(session),
            token=new_token(),
            priority=request.priority,
            state=ReferralState.CREATED,
            due_at=now + DUE_AFTER[request.priority],
            consent_share=consent,
            override_reason=override if not consent else "",
            redirected_from_id=request.redirected_from_id,
            discreet=request.discreet,
        )
    )
    _event(uow, referral, ReferralState.CREATED, "officer", detail=override)
    return referral


def _event(
    uow: UnitOfWork,
    referral: Referral,
    state: ReferralState,
    source: str,
    reason: str = "",
    detail: str = "",
) -> None:
    uow.add(
        ReferralEvent(
            referral_id=referral.id,
            state=state,
            source=source,
            reason=reason[:200],
            detail=detail[:300],
            author=uow.actor.name,
        )
    )


def find_referral(session: Session, code_or_id: str) -> Referral:
    """The referral with this code (as typed) or id, else a :class:`ReferralError`."""
    text = code_or_id.strip()
    try:
        key = id_or_code(text)
    except CodeError as error:
        raise ReferralError(str(error), "not_a_code", text=text) from None
    if isinstance(key, str):
        found = session.scalar(select(Referral).where(Referral.code == key))
    else:
        found = session.get(Referral, key)
    if found is None:
        raise ReferralError(f"no referral {text}", "no_referral", code=text)
    return found


@dataclass(frozen=True)
class StateChange:
    """A change of state asked for, with what DOMAIN.md wants recorded with it."""

    state: ReferralState
    reason: str = ""
    provided: str = ""
    outcome_on: date | None = None
    source: str = "officer"


def change_state(uow: UnitOfWork, referral: Referral, change: StateChange) -> bool:
    """Move ``referral`` to ``change.state``; False when it already is there (nothing done)."""
    current = ReferralState(referral.state)
    if current is change.state:
        return False
    if change.state not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(state.value for state in TRANSITIONS[current])) or "none"
        raise ReferralError(
            f"referral {referral.code} is {current.value}: it cannot become "
            f"{change.state.value} (allowed: {allowed})",
            "transition",
            code=referral.code,
            state=current.value,
            wanted=change.state.value,
        )
    # A partner's words arrive by sync, where a refusal would stop the pull: only the
    # office's own are checked here (the region's partner page does not check them yet).
    if change.source != "partner":
        readable(change.reason, ReferralError)
        readable(change.provided, ReferralError)
    if change.state is ReferralState.DECLINED and change.reason not in DECLINE_REASONS:
        raise ReferralError(
            f"a declined referral needs a reason among: {', '.join(DECLINE_REASONS)}",
            "decline_reason",
        )
    if change.state is ReferralState.SENT:
        referral.sent_at = utcnow()
    if change.state is ReferralState.DONE:
        referral.provided = change.provided[:300]
        referral.outcome_on = _outcome_day(referral, change)
    if change.state in (ReferralState.DECLINED, ReferralState.WITHDRAWN, ReferralState.EXPIRED):
        referral.reason = change.reason[:200]
    referral.state = change.state
    uow.add(referral)
    _event(uow, referral, change.state, change.source, change.reason, change.provided)
    return True


def _outcome_day(referral: Referral, change: StateChange) -> date:
    """The day the service was given: today unless said, and for the office's own words a
    day between the referral's and today (a partner's is checked by the region's page)."""
    today = office_today()
    day = change.outcome_on or today
    made = office_moment(referral.created_at).date()
    if change.source != "partner" and not made <= day <= today:
        raise ReferralError(
            f"the outcome date {day} is before the referral ({made}) or after today",
            "outcome_date",
            day=day.isoformat(),
            made=made.isoformat(),
        )
    return day


def record_state(uow: UnitOfWork, referral: Referral, change: StateChange) -> bool:
    """Record a change of state as the officer or a partner tells it (:func:`change_state`).

    An outcome (:data:`OUTCOME_STATES`) on a referral still ``created`` means the service
    had it without a slip printed here (its code read out on the phone, a slip printed
    elsewhere): the referral is marked sent first, from the same source, in the same unit
    of work, so that a refused outcome leaves it ``created``.
    """
    current = ReferralState(referral.state)
    if change.state in OUTCOME_STATES and current is ReferralState.CREATED:
        change_state(uow, referral, StateChange(ReferralState.SENT, source=change.source))
    return change_state(uow, referral, change)


def mark_sent(uow: UnitOfWork, referral: Referral) -> bool:
    """Printing the slip sends the referral (once; a reprint changes nothing)."""
    if ReferralState(referral.state) is not ReferralState.CREATED:
        return False
    return change_state(uow, referral, StateChange(ReferralState.SENT))


def redirect(uow: UnitOfWork, referral: Referral, service_id: str, reason: str = "") -> Referral:
    """Close ``referral`` as redirected and make a new one, linked to it, to another service."""
    change_state(uow, referral, StateChange(ReferralState.REDIRECTED, reason=reason))
    return create_referral(
        uow,
        NewReferral(
            case_id=referral.case_id,
            service_id=service_id,
            need_key=referral.need_key,
            priority=ReferralPriority(referral.priority),
            override_reason=referral.override_reason,
            redirected_from_id=referral.id,
            discreet=referral.discreet,
        ),
    )


def record_outcome(uow: UnitOfWork, outcome: ReferralOutcome) -> bool:
    """Apply what the receiving service reported (the counter-referral); False if known already.

    A slip scanned by the service was sent even if the office never printed it here
    (:func:`record_state`).
    """
    referral = uow.session.get(Referral, outcome.referral_id)
    if referral is None:
        raise ReferralError(
            f"no referral {outcome.referral_id}", "no_referral", code=outcome.referral_id
        )
    outcome_on = date.fromisoformat(outcome.outcome_date) if outcome.outcome_date else None
    return record_state(
        uow,
        referral,
        StateChange(
            ReferralState(outcome.state),
            reason=outcome.reason,
            provided=outcome.provided,
            outcome_on=outcome_on,
            source="partner",
        ),
    )


def is_overdue(referral: Referral, now: datetime) -> bool:
    """Past its due date without an outcome."""
    return ReferralState(referral.state) in OPEN_STATES and referral.due_at < now


def referral_view(referral: Referral, regional_url: str, now: datetime) -> dict[str, Any]:
    """A referral as JSON for the command line and the desk (the token stays in the url)."""
    return {
        "referral_id": str(referral.id),
        "case_id": str(referral.case_id),
        "code": referral.code,
        "need": referral.need_key,
        "service_id": str(referral.service_id),
        "service": referral.service_name,
        "organization": referral.organization_name,
        "priority": ReferralPriority(referral.priority).value,
        "state": ReferralState(referral.state).value,
        "due": referral.due_at.isoformat(),
        "overdue": is_overdue(referral, now),
        "token": referral.token,
        "url": referral_url(regional_url, referral.token),
        "consent_share": referral.consent_share,
        "override_reason": referral.override_reason,
        "reason": referral.reason,
        "provided": referral.provided,
        "outcome_on": referral.outcome_on.isoformat() if referral.outcome_on else None,
        "redirected_from_id": str(referral.redirected_from_id)
        if referral.redirected_from_id
        else None,
        "sent_at": referral.sent_at.isoformat() if referral.sent_at else None,
        "discreet": referral.discreet,
    }
