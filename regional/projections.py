"""Projections kept up to date from accepted envelopes: referrals and intake statistics.

The latest version wins: an upsert applies when its ``version`` is higher than the stored
one; a delete marks the row deleted when its version is at least the stored one.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy.orm import Session

from kiosk.clock import office_time
from kiosk.sync.wire import Envelope
from regional.clock import as_naive_utc
from regional.models import IntakeFact, ReferralView
from regional.payloads import IntakePayload, ReferralPayload

CATEGORIES = frozenset({"mre", "mre_returnee", "rpt", "other"})
SEXES = frozenset({"f", "m"})
AGE_BANDS = ("0-17", "18-29", "30-44", "45-59", "60+")
_NEED = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
UNKNOWN = "unknown"


def age_band(age: int) -> str:
    """The statistics age band of an age in years."""
    for band, upper in zip(AGE_BANDS, (17, 29, 44, 59), strict=False):
        if age <= upper:
            return band
    return AGE_BANDS[-1]


def _month(at: datetime) -> str:
    return office_time(at, "%Y-%m")


def intake_dimensions(payload: IntakePayload) -> dict[str, Any]:
    """The statistical dimensions of an intake; nothing that identifies the person."""
    answers = payload.answer_values()
    category = answers.get("person.category")
    sex = answers.get("person.sex")
    nationality = answers.get("person.nationality")
    band = answers.get("person.age_band")
    birth_year = answers.get("person.birth_year")
    if isinstance(birth_year, int) and not isinstance(birth_year, bool):
        age = payload.at.year - birth_year
        band = age_band(age) if 0 <= age <= 130 else None
    needs = answers.get("needs")
    return {
        "month": _month(payload.at),
        "category": category if category in CATEGORIES else UNKNOWN,
        "sex": sex if sex in SEXES else UNKNOWN,
        "age_band": band if band in AGE_BANDS else UNKNOWN,
        "nationality": (
            nationality.upper()
            if isinstance(nationality, str) and re.fullmatch(r"[A-Za-z]{2}", nationality)
            else UNKNOWN
        ),
        "needs": json.dumps(
            sorted({n for n in needs if isinstance(n, str) and _NEED.match(n)})
            if isinstance(needs, list)
            else []
        ),
        "counted": payload.consent_stats or not payload.consent_record,
        "case_id": payload.case_id,
    }


def _referral_values(payload: ReferralPayload) -> dict[str, Any]:
    return {
        "case_id": payload.case_id,
        "need_key": payload.need_key,
        "service_name": payload.service_name,
        "organization_name": payload.organization_name,
        "code": payload.code,
        "token": payload.token,
        "priority": payload.priority,
        "state": payload.state,
        "made_at": as_naive_utc(payload.created_at),
    }


def _apply(
    session: Session,
    model: type[ReferralView] | type[IntakeFact],
    envelope: Envelope,
    office_id: uuid.UUID,
    values: dict[str, Any] | None,
) -> None:
    row = cast(ReferralView | IntakeFact | None, session.get(model, envelope.entity_id))
    if envelope.operation == "delete":
        if row is not None and row.office_id == office_id and envelope.version >= row.version:
            row.deleted = True
            row.version = envelope.version
        return
    assert values is not None
    if row is None:
        session.add(
            model(id=envelope.entity_id, office_id=office_id, version=envelope.version, **values)
        )
        session.flush()
    elif envelope.version > row.version and not row.deleted and row.office_id == office_id:
        for key, value in values.items():
            setattr(row, key, value)
        row.version = envelope.version


def project(session: Session, envelope: Envelope, office_id: uuid.UUID, parsed: BaseModel) -> None:
    """Update the projections from one accepted envelope."""
    if envelope.entity_type == "referral":
        values = _referral_values(parsed) if isinstance(parsed, ReferralPayload) else None
        _apply(session, ReferralView, envelope, office_id, values)
    elif envelope.entity_type == "intake":
        values = intake_dimensions(parsed) if isinstance(parsed, IntakePayload) else None
        _apply(session, IntakeFact, envelope, office_id, values)
