"""The statistics projection, made at the office: what the region counts, and nothing more.

For each contact of a month whose visitor agreed to be counted (or who refused a record:
an anonymous contact), the office makes one :class:`~db.cases.StatRecord` once the month
is over by :data:`DELAY` (so that most referral outcomes are known): the month, category,
sex, age band, nationality, commune of residence (its HCP code; ``other`` for a commune
outside Souss-Massa or a name not known), needs, the outcomes of the referrals
made that month, as (kind of service, state) pairs, and where the case's needs stood when
the record was made, as (need, open|met|not_met) pairs, never why one was not met; and its
month's referrals to associations of the Comité Migration Souss-Massa (CMSM: organisations
of the directory marked as members), as (organisation id, state, whole days from sent to
the service's first answer, or none) triples. Never a
name, a phone number, a date or free text; a random id, records of a month made together
in a random order, so the region cannot tie one to the sealed records of the same visit.
A record is made once and never changed: a need met after that still counts as open in
it. A visitor who refused statistics gets none. The region computes every figure from
these records alone (``regional.stats``), and the itinerary step durations from the
offices' ``step_stat`` records (durations only: ``kiosk.itineraries.statistics``).
"""

from __future__ import annotations

import json
import random
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from db.cases import CaseNeed, Intake, NeedState, Referral, ReferralEvent, StatRecord
from db.directory import Organization, Service
from db.store import Store
from db.uow import Actor, UnitOfWork
from kiosk.cases.referrals import OUTCOME_STATES
from kiosk.clock import OFFICE_ZONE, office_time
from kiosk.itineraries.statistics import make_step_month
from kiosk.sync.state import state_of
from protocol.communes import statistics_commune

DELAY = timedelta(days=10)
"""How long after a month ends its records are made: most referrals have an outcome by then."""
AGE_BANDS = ("0-17", "18-29", "30-44", "45-59", "60+")
AGE_LIMITS = (17, 29, 44, 59)
"""The oldest age of each band but the last."""
MAX_AGE = 130
"""An age above this (or below 0) is a wrong birth year: the band is unknown."""
CATEGORIES = ("mre", "mre_returnee", "rpt", "other")
SEXES = ("f", "m")
UNKNOWN = "unknown"
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def age_band(age: int) -> str:
    """The statistics age band of an age in years."""
    for band, upper in zip(AGE_BANDS, AGE_LIMITS, strict=False):
        if age <= upper:
            return band
    return AGE_BANDS[-1]


def month_of(moment: datetime) -> str:
    """The office month (``YYYY-MM``) of a stored time."""
    return office_time(moment, "%Y-%m")


def last_closed_month(now: datetime) -> str:
    """The newest month whose statistics may be made at ``now`` (it ended ``DELAY`` ago)."""
    local = (now - DELAY).astimezone(OFFICE_ZONE)
    first_of_month = local.replace(day=1)
    return (first_of_month - timedelta(days=1)).strftime("%Y-%m")


def _choice(value: object, allowed: frozenset[str] | tuple[str, ...]) -> str:
    return value if isinstance(value, str) and value in allowed else UNKNOWN


def dimensions(
    intake: Intake,
    outcomes: list[tuple[str, str]],
    need_states: dict[str, str],
) -> dict[str, Any]:
    """The de-identified dimensions of one contact, from its intake's answers; with the
    state of each need of its case (``need_states``) that the intake names."""
    answers: dict[str, Any] = json.loads(intake.answers)
    band = answers.get("person.age_band")
    birth_year = answers.get("person.birth_year")
    if isinstance(birth_year, int) and not isinstance(birth_year, bool):
        age = intake.at.astimezone(OFFICE_ZONE).year - birth_year
        band = age_band(age) if 0 <= age <= MAX_AGE else None
    nationality = answers.get("person.nationality")
    commune = answers.get("person.commune")
    raw_needs = answers.get("needs")
    needs = (
        sorted({n for n in raw_needs if isinstance(n, str) and _KEY.match(n)})
        if isinstance(raw_needs, list)
        else []
    )
    return {
        "month": month_of(intake.at),
        "category": _choice(answers.get("person.category"), CATEGORIES),
        "sex": _choice(answers.get("person.sex"), SEXES),
        "age_band": _choice(band, AGE_BANDS),
        "nationality": (
            nationality.upper()
            if isinstance(nationality, str) and _COUNTRY.match(nationality.upper())
            else UNKNOWN
        ),
        "commune": statistics_commune(commune),
        "needs": json.dumps(needs),
        "outcomes": json.dumps(sorted([need, state] for need, state in outcomes)),
        "resolutions": json.dumps(
            [[need, need_states[need]] for need in needs if need in need_states]
        ),
    }


def _month_bounds(month: str) -> tuple[datetime, datetime]:
    """The first instant of ``month`` and of the next one, on the office's clock, in UTC."""
    year, number = (int(part) for part in month.split("-"))
    start = datetime(year, number, 1, tzinfo=OFFICE_ZONE)
    following = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=OFFICE_ZONE)
    return start.astimezone(UTC), following.astimezone(UTC)


def _outcomes(
    uow: UnitOfWork, intake: Intake, start: datetime, end: datetime
) -> list[tuple[str, str]]:
    if intake.case_id is None:
        return []
    rows = uow.session.execute(
        select(Referral.need_key, Referral.state).where(
            Referral.case_id == intake.case_id,
            Referral.created_at >= start,
            Referral.created_at < end,
        )
    )
    return [(need, str(state.value)) for need, state in rows]


def _cmsm_members(uow: UnitOfWork) -> dict[uuid.UUID, str]:
    """The organisation of each service of a CMSM member association, by service id."""
    rows = uow.session.execute(
        select(Service.id, Organization.id)
        .join(Organization, Organization.id == Service.organization_id)
        .where(Organization.cmsm_member.is_(True))
    )
    return {service: str(organisation) for service, organisation in rows}


def _cmsm(
    uow: UnitOfWork,
    intake: Intake,
    start: datetime,
    end: datetime,
    members: dict[uuid.UUID, str],
) -> list[list[Any]]:
    """The month's referrals of the intake's case to CMSM members: organisation, state, and
    whole days from sent to the first answer (accepted, declined or done), else None."""
    if intake.case_id is None or not members:
        return []
    referrals = uow.session.execute(
        select(Referral.id, Referral.service_id, Referral.state, Referral.sent_at).where(
            Referral.case_id == intake.case_id,
            Referral.created_at >= start,
            Referral.created_at < end,
            Referral.service_id.in_(list(members)),
        )
    ).all()
    found = []
    for referral_id, service_id, state, sent_at in referrals:
        answered = uow.session.scalar(
            select(func.min(ReferralEvent.at)).where(
                ReferralEvent.referral_id == referral_id,
                ReferralEvent.state.in_(list(OUTCOME_STATES)),
            )
        )
        days = (
            max(0, (answered - sent_at).days)
            if answered is not None and sent_at is not None
            else None
        )
        found.append([members[service_id], str(state.value), days])
    return sorted(found, key=lambda item: (item[0], item[1], item[2] is None, item[2] or 0))


def _need_states(uow: UnitOfWork, intake: Intake) -> dict[str, str]:
    if intake.case_id is None:
        return {}
    rows = uow.session.execute(
        select(CaseNeed.need_key, CaseNeed.state).where(CaseNeed.case_id == intake.case_id)
    )
    return {need: NeedState(state).value for need, state in rows}


def make_month(uow: UnitOfWork, month: str) -> int:
    """Make the statistics records of ``month`` not made yet (in ``uow``), and the durations
    of the itinerary steps finished in it (``kiosk.itineraries.statistics``); returns how
    many records were made."""
    start, end = _month_bounds(month)
    done = select(StatRecord.intake_id)
    intakes = uow.session.scalars(
        select(Intake).where(
            Intake.at >= start,
            Intake.at < end,
            Intake.consent_stats.is_(True),
            Intake.id.not_in(done),
        )
    ).all()
    members = _cmsm_members(uow) if intakes else {}
    records = [
        StatRecord(
            id=uuid.uuid4(),
            intake_id=intake.id,
            cmsm=json.dumps(_cmsm(uow, intake, start, end, members)),
            **dimensions(intake, _outcomes(uow, intake, start, end), _need_states(uow, intake)),
        )
        for intake in intakes
    ]
    random.SystemRandom().shuffle(records)
    for record in records:
        uow.add(record)
    return len(records) + make_step_month(uow, start, end, month)


def _months_after(first: str, last: str) -> list[str]:
    """The months after ``first`` (excluded) up to ``last`` (included)."""
    year, number = (int(part) for part in first.split("-"))
    months: list[str] = []
    while True:
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
        month = f"{year:04d}-{number:02d}"
        if month > last:
            return months
        months.append(month)


def make_closed_months(store: Store, office_id: uuid.UUID, now: datetime) -> int:
    """Make the records of every month closed since the last time; returns how many.

    The month made last is kept in ``sync_state``, so that a sync round that has nothing to
    make reads one row.
    """
    last = last_closed_month(now)
    with UnitOfWork(store, Actor.system(office_id)) as uow:
        through = state_of(uow.session).statistics_through
        if through >= last:
            return 0
        if not through:
            first = uow.session.scalar(select(Intake.at).order_by(Intake.at).limit(1))
            if first is None:
                _remember(uow, last)
                return 0
            through = _previous(month_of(first))
        made = sum(make_month(uow, month) for month in _months_after(through, last))
        _remember(uow, last)
    return made


def _previous(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


def _remember(uow: UnitOfWork, month: str) -> None:
    state_of(uow.session).statistics_through = month
