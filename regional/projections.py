"""Projections kept up to date from accepted envelopes: referrals and statistics records.

All come from the clear parts of records alone (``regional.payloads``): the referrals the
partner page shows, the offices' de-identified statistics records and their itinerary
step durations.

The latest version wins: an upsert applies when its ``version`` is higher than the stored
one; a delete marks the row deleted when its version is at least the stored one.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from pydantic import BaseModel
from sqlalchemy.orm import Session

from protocol.wire import Envelope
from regional.clock import as_naive_utc
from regional.models import ReferralView, StatFact, StepFact
from regional.payloads import ReferralPayload, StatPayload, StepStatPayload


def _referral_values(payload: ReferralPayload) -> dict[str, Any]:
    return {
        "service_name": payload.service_name,
        "organization_name": payload.organization_name,
        "code": payload.code,
        "token_hash": payload.token_hash,
        "priority": payload.priority,
        "state": payload.state,
        "made_at": as_naive_utc(payload.created_at),
    }


def _stat_values(payload: StatPayload) -> dict[str, Any]:
    return {
        "month": payload.month,
        "category": payload.category,
        "sex": payload.sex,
        "age_band": payload.age_band,
        "nationality": payload.nationality,
        "commune": payload.commune,
        "needs": payload.needs,
        "outcomes": payload.outcomes,
        "resolutions": payload.resolutions,
        "cmsm": payload.cmsm,
    }


def _step_values(payload: StepStatPayload) -> dict[str, Any]:
    return {
        "month": payload.month,
        "template": payload.template,
        "step": payload.step,
        "outcome": payload.outcome,
        "days": payload.days,
    }


def _apply(
    session: Session,
    model: type[ReferralView] | type[StatFact] | type[StepFact],
    envelope: Envelope,
    office_id: uuid.UUID,
    values: dict[str, Any] | None,
) -> None:
    row = cast(ReferralView | StatFact | StepFact | None, session.get(model, envelope.entity_id))
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
    elif envelope.entity_type == "stat_record":
        stat = _stat_values(parsed) if isinstance(parsed, StatPayload) else None
        _apply(session, StatFact, envelope, office_id, stat)
    elif envelope.entity_type == "step_stat":
        step = _step_values(parsed) if isinstance(parsed, StepStatPayload) else None
        _apply(session, StepFact, envelope, office_id, step)
