"""Regional statistics: aggregated counts only, small cells hidden.

Only intakes with consent to statistics, or anonymous contacts (no consent to keep a
record), are counted. Every count below 5 is shown as the string ``"<5"``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from regional.models import IntakeFact, Office, ReferralView

SMALL = 5
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_PARTNER_RANK = {"accepted": 1, "declined": 2, "done": 2}
_OFFICE_RANK = {"created": 0, "sent": 0, "accepted": 1, "declined": 2, "done": 2}


def shown(count: int) -> int | str:
    """A count as published: ``"<5"`` below 5."""
    return count if count >= SMALL else f"<{SMALL}"


def _table(counter: Counter[str]) -> dict[str, int | str]:
    return {key: shown(count) for key, count in sorted(counter.items()) if count > 0}


def referral_state(view: ReferralView) -> str:
    """The referral's state, counting what the partner service reported when further on."""
    partner = view.partner_state
    if partner and _PARTNER_RANK[partner] > _OFFICE_RANK.get(view.state, 3):
        return partner
    return view.state


def regional_stats(session: Session, month: str | None, now: datetime) -> dict[str, Any]:
    """The published statistics, for one month (``YYYY-MM``) or for all time."""
    if month is not None and not MONTH.match(month):
        raise ValueError("month must be YYYY-MM")
    names = {key: name for key, name in session.execute(select(Office.id, Office.name))}
    query = select(IntakeFact).where(IntakeFact.counted, IntakeFact.deleted.is_(False))
    if month is not None:
        query = query.where(IntakeFact.month == month)
    dims: dict[str, Counter[str]] = {
        key: Counter()
        for key in ("office", "month", "category", "sex", "age_band", "nationality", "need")
    }
    total = 0
    cases: dict[Any, str] = {}
    for fact in session.scalars(query):
        total += 1
        dims["office"][names.get(fact.office_id, "?")] += 1
        dims["month"][fact.month] += 1
        dims["category"][fact.category] += 1
        dims["sex"][fact.sex] += 1
        dims["age_band"][fact.age_band] += 1
        dims["nationality"][fact.nationality] += 1
        for need in json.loads(fact.needs):
            dims["need"][need] += 1
        if fact.case_id is not None:
            cases[fact.case_id] = fact.month
    outcomes: Counter[str] = Counter()
    if cases:
        ids = list(cases)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            views = session.scalars(
                select(ReferralView).where(
                    ReferralView.case_id.in_(chunk), ReferralView.deleted.is_(False)
                )
            )
            for view in views:
                outcomes[referral_state(view)] += 1
    return {
        "month": month,
        "generated_at": now.isoformat(timespec="seconds"),
        "total": shown(total),
        "by_office": _table(dims["office"]),
        "by_month": _table(dims["month"]),
        "by_category": _table(dims["category"]),
        "by_sex": _table(dims["sex"]),
        "by_age_band": _table(dims["age_band"]),
        "by_nationality": _table(dims["nationality"]),
        "by_need": _table(dims["need"]),
        "by_referral_outcome": _table(outcomes),
    }
