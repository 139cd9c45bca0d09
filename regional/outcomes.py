"""Counter-referrals: a partner service reports what became of a referral.

Reports only move forward (received, then done or declined); the same report twice
changes nothing; each recorded report becomes a ``referral_outcome`` change for the
referral's office.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from protocol.privacy import token_hash
from protocol.wire import ReferralOutcome
from regional.changes import append_change
from regional.models import ReferralView

PAGE_LIFETIME = timedelta(days=90)
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
CLOSED_STATES = frozenset({"withdrawn", "expired", "redirected"})
DECLINE_REASONS = ("ineligible", "full", "declined_by_person", "wrong_service", "other")
_RANK = {"accepted": 1, "declined": 2, "done": 2}


class Result(enum.StrEnum):
    """What became of a report."""

    RECORDED = "recorded"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass(frozen=True)
class Report:
    """A partner's report: ``state`` accepted (received), done or declined."""

    state: str
    reason: str = ""
    provided: str = ""
    outcome_date: str = ""


def find_referral(
    session: Session, token: str, now: datetime, lock: bool = False
) -> ReferralView | None:
    """The referral a slip's token designates, if its page is still open (found by the
    token's SHA-256: the region keeps no token)."""
    if not TOKEN.fullmatch(token):
        return None
    query = select(ReferralView).where(ReferralView.token_hash == token_hash(token))
    rows = session.scalars(query.with_for_update() if lock else query).all()
    if len(rows) != 1:
        return None
    view = rows[0]
    if view.deleted or view.state in CLOSED_STATES or now - view.made_at > PAGE_LIFETIME:
        return None
    return view


def current_rank(view: ReferralView) -> int:
    """How far the referral has gone (0 none, 1 received, 2 done or declined)."""
    office = _RANK.get(view.state, 0)
    partner = _RANK.get(view.partner_state or "", 0)
    return max(office, partner)


def _same(view: ReferralView, report: Report) -> bool:
    return (
        view.partner_state == report.state
        and view.partner_reason == report.reason
        and view.partner_provided == report.provided
        and view.partner_date == report.outcome_date
    )


def record_report(session: Session, view: ReferralView, report: Report, now: datetime) -> Result:
    """Apply a report to the referral (in the session's transaction)."""
    if _same(view, report):
        return Result.UNCHANGED
    if _RANK[report.state] <= current_rank(view):
        return Result.REFUSED
    view.partner_state = report.state
    view.partner_reason = report.reason
    view.partner_provided = report.provided
    view.partner_date = report.outcome_date
    view.partner_at = now
    outcome = ReferralOutcome(
        referral_id=view.id,
        state=report.state,  # type: ignore[arg-type]
        reason=report.reason,
        provided=report.provided,
        outcome_date=report.outcome_date,
        reported_at=now,
    )
    append_change(
        session,
        view.office_id,
        "referral_outcome",
        str(view.id),
        "upsert",
        outcome.model_dump(mode="json"),
        now,
    )
    return Result.RECORDED
