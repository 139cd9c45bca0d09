"""The figures of the office's activity over a period, computed in SQL from the office database.

:func:`period_report` is the one place where each figure is defined (``docs/reports.md``
says every definition in words): the monthly report (``baom report monthly``) and the
desk's Reports page both read a :class:`PeriodReport`. The period is a range of office
days (``start`` to ``end``, both included) on the office's clock (``kiosk.clock``); a
period not over yet is *provisional*, and the figures "at the end of the period" are
then taken now.

A visitor's category, sex, age band and nationality come from their intake's answers,
as the statistics records take them (``kiosk.statistics``): they survive an anonymisation
(nationality then becomes unknown). The figures hold no name and nothing about one
person; :meth:`PeriodReport.published` groups the small counts before a report leaves
the office.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    distinct,
    func,
    literal,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.orm import Session
from sqlalchemy.types import Integer, String

from db.cases import (
    AccompanimentStep,
    Case,
    CaseNeedEvent,
    Intake,
    NeedState,
    Person,
    Referral,
    ReferralEvent,
    ReferralState,
)
from db.models import Ticket, TicketState
from kiosk.cases.referrals import OPEN_STATES, OUTCOME_STATES
from kiosk.clock import OFFICE_ZONE
from kiosk.i18n import Refusal
from kiosk.office import OfficeContext
from kiosk.queue.config import QueueConfig, load_config
from kiosk.queue.states import OPEN_STATES as OPEN_TICKET_STATES
from kiosk.statistics import AGE_BANDS, AGE_LIMITS, CATEGORIES, MAX_AGE, SEXES, UNKNOWN
from protocol.communes import statistics_commune

SMALL_COUNT = 5
"""A count of a breakdown below this (1 to 4) could single someone out: it is grouped
before the report leaves the office (the regional statistics hide the same counts)."""
OTHER = "other"
"""The key of the grouped small counts of a breakdown (``other nationalities``)."""
RESOLVED = "need_met"
"""The close reason of a resolved case (``desk.close_reason``)."""
SECONDS_PER_DAY = 86_400

Counts = Mapping[str, int]


class ReportError(Refusal):
    """A report that cannot be made as asked (``error.reports.*``); the message says why."""

    catalog_prefix = "error.reports"


@dataclass(frozen=True)
class Durations:
    """How long something took: how many were measured, the median and the 90th percentile
    (nearest rank, as ``kiosk.queue.stats.percentile``); ``None`` when none was."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class QueueFigures:
    """The queue tickets of the period's office days: how each ended, waits and services
    in minutes, and the share of the served tickets called within their reason's target."""

    tickets: int
    served: int
    no_show: int
    cancelled: int
    closed: int
    open: int
    wait_min: Durations
    service_min: Durations
    served_within_target: float | None


@dataclass(frozen=True)
class ReferralFigures:
    """The referrals made in the period: by service category (the need referred) and by
    state now; the partner's response time in days (made → first outcome); overdue at the
    end of the period (due, and not closed by then: a referral never goes back to an open
    state)."""

    made: int
    by_category: Counts
    by_state: Counts
    response_days: Durations
    overdue: int


@dataclass(frozen=True)
class PeriodReport:
    """Every figure of the office's activity over ``start`` to ``end`` (office days, both
    included); ``provisional`` when the period is not over at ``made_at``. Breakdowns map
    a key (a category, a country code, a need…) to a count, the largest first."""

    office: str
    start: date
    end: date
    made_at: datetime
    provisional: bool
    visits: int
    visitors: int
    anonymous_contacts: int
    persons_new: int
    visitors_by_category: Counts
    visitors_by_sex: Counts
    visitors_by_age_band: Counts
    visitors_by_nationality: Counts
    needs: Counts
    queue: QueueFigures
    referrals: ReferralFigures
    follow_ups_overdue: int
    needs_met: int
    needs_not_met: int
    cases_closed: int
    cases_resolved: int
    small_counts_grouped: bool = False

    def published(self) -> PeriodReport:
        """The report as it leaves the office: a nationality of 1 to 4 visitors goes into
        :data:`OTHER` (``other nationalities``)."""
        return replace(
            self,
            visitors_by_nationality=grouped(self.visitors_by_nationality),
            small_counts_grouped=True,
        )


def grouped(counts: Counts) -> Counts:
    """``counts`` with every count from 1 to ``SMALL_COUNT - 1`` (but the unknown's) added
    into :data:`OTHER`."""
    small_keys = {key for key, count in counts.items() if 0 < count < SMALL_COUNT}
    small_keys.discard(UNKNOWN)  # says nothing about anyone
    kept = {key: count for key, count in counts.items() if key not in small_keys}
    small = sum(counts[key] for key in small_keys)
    if small:
        kept[OTHER] = kept.get(OTHER, 0) + small
    return _counts(kept.items())


def _counts(pairs: Any) -> Counts:
    """Counts, largest first (then by key), read-only."""
    ordered = sorted(((str(key), int(count)) for key, count in pairs), key=lambda p: (-p[1], p[0]))
    return MappingProxyType(dict(ordered))


# --- the period ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bounds:
    """The period's instants in UTC: its first, the one after its last day, the cut-off
    (the end, or now when the period is not over) and the day of the cut-off."""

    start: datetime
    end: datetime
    cutoff: datetime
    cutoff_day: date
    zone: ZoneInfo

    def within(self, column: Any) -> ColumnElement[bool]:
        return and_(column >= self.start, column < self.end)


def period_bounds(start: date, end: date, now: datetime, zone: ZoneInfo) -> Bounds:
    if end < start:
        raise ReportError(
            f"the period ends ({end}) before it starts ({start})",
            "period_order",
            start=start.isoformat(),
            end=end.isoformat(),
        )
    first = datetime.combine(start, time(), zone).astimezone(UTC)
    after = datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC)
    cutoff = min(after, now)
    return Bounds(first, after, cutoff, cutoff.astimezone(zone).date(), zone)


def _seconds(begin: Any, finish: Any) -> ColumnElement[float]:
    """Seconds between two stored times, to the millisecond (a Julian day's floating point
    would make a wait of exactly 15 minutes a hair longer)."""
    return func.round((func.julianday(finish) - func.julianday(begin)) * SECONDS_PER_DAY, 3)


def _minutes(begin: Any, finish: Any) -> ColumnElement[float]:
    return _seconds(begin, finish) / 60


def _durations(session: Session, value: ColumnElement[float], where: list[Any]) -> Durations:
    """The count, median and p90 (nearest rank) of ``value`` over the rows of ``where``."""
    ranked = (
        select(
            value.label("v"),
            func.row_number().over(order_by=value).label("rank"),
            func.count().over().label("n"),
        )
        .where(*where, value.is_not(None))
        .subquery()
    )
    n, rank, v = ranked.c.n, ranked.c.rank, ranked.c.v
    count, median, p90 = session.execute(
        select(
            func.max(n),
            func.max(case((rank == (n + 1) // 2, v))),  # ceil(n/2), in integers
            func.max(case((rank == (9 * n + 9) // 10, v))),  # ceil(9n/10)
        )
    ).one()
    return Durations(
        count or 0,
        None if median is None else round(float(median), 1),
        None if p90 is None else round(float(p90), 1),
    )


# --- the queue ----------------------------------------------------------------------------


def _queue(
    session: Session, office_id: uuid.UUID, start: date, end: date, config: QueueConfig
) -> QueueFigures:
    where = [Ticket.office_id == office_id, Ticket.office_day >= start, Ticket.office_day <= end]
    states = dict(
        session.execute(
            select(Ticket.state, func.count()).where(*where).group_by(Ticket.state)
        ).all()
    )
    wait = _minutes(Ticket.arrived_at, Ticket.first_called_at)
    targets = {reason.key: reason.target_wait_min * 60 for reason in config.reasons}
    target = case(targets, value=Ticket.reason_key, else_=0) if targets else literal(0)
    waited = _seconds(Ticket.arrived_at, Ticket.first_called_at)
    served, within = session.execute(
        select(func.count(), func.count(case((waited <= target, 1)))).where(
            *where, Ticket.state == TicketState.DONE
        )
    ).one()
    return QueueFigures(
        tickets=sum(states.values()),
        served=states.get(TicketState.DONE, 0),
        no_show=states.get(TicketState.NO_SHOW, 0),
        cancelled=states.get(TicketState.CANCELLED, 0),
        closed=states.get(TicketState.CLOSED, 0),
        open=sum(count for state, count in states.items() if state in OPEN_TICKET_STATES),
        wait_min=_durations(session, wait, where),
        service_min=_durations(
            session,
            _minutes(Ticket.started_at, Ticket.finished_at),
            [*where, Ticket.state == TicketState.DONE],
        ),
        served_within_target=round(within / served, 3) if served else None,
    )


# --- the visitors -------------------------------------------------------------------------


def _answer(answers: Any, key: str) -> ColumnElement[Any]:
    return func.json_extract(answers, f'$."{key}"')


def _choice(value: ColumnElement[Any], allowed: tuple[str, ...]) -> ColumnElement[str]:
    return case((value.in_(allowed), value), else_=literal(UNKNOWN))


def _office_year(moment: Any, bounds: Bounds) -> ColumnElement[int]:
    """The year of ``moment`` on the office's clock, for moments within the period."""
    first = bounds.start.astimezone(bounds.zone).year
    last = (bounds.end - timedelta(microseconds=1)).astimezone(bounds.zone).year
    year: ColumnElement[int] = literal(first, Integer)
    for number in range(first + 1, last + 1):
        new_year = datetime(number, 1, 1, tzinfo=bounds.zone)
        year = year + case((moment >= new_year, 1), else_=0)
    return year


def _age_band(answers: Any, at: Any, bounds: Bounds) -> ColumnElement[str]:
    """The band of the age at the intake's year (birth year), else the band answered."""
    birth = _answer(answers, "person.birth_year")
    age = _office_year(at, bounds) - type_coerce(birth, Integer)
    bands = [
        (age <= upper, literal(band)) for band, upper in zip(AGE_BANDS, AGE_LIMITS, strict=False)
    ]
    by_age = case(
        (or_(age < 0, age > MAX_AGE), literal(UNKNOWN)), *bands, else_=literal(AGE_BANDS[-1])
    )
    return case(
        (func.json_type(answers, '$."person.birth_year"') == "integer", by_age),
        else_=_choice(_answer(answers, "person.age_band"), AGE_BANDS),
    )


def _nationality(answers: Any) -> ColumnElement[str]:
    code = func.upper(_answer(answers, "person.nationality"))
    return case((code.op("GLOB")("[A-Z][A-Z]"), code), else_=literal(UNKNOWN))


def contacts_of(bounds: Bounds) -> Select[Any]:
    """The intakes of the period with their visitor (the person, the one a duplicate was
    merged into, or the intake itself for an anonymous contact) and their rank among the
    visitor's intakes of the period, the latest first."""
    visitor = func.coalesce(
        type_coerce(Person.merged_into_id, String),
        type_coerce(Case.person_id, String),
        type_coerce(Intake.id, String),
    )
    return (
        select(
            Intake.answers,
            Intake.at,
            Intake.consent_record,
            Intake.case_id,
            visitor.label("visitor"),
            func.row_number().over(partition_by=visitor, order_by=Intake.at.desc()).label("latest"),
        )
        .outerjoin(Case, Intake.case_id == Case.id)
        .outerjoin(Person, Case.person_id == Person.id)
        .where(bounds.within(Intake.at))
    )


def visitor_dimensions(contacts: Any, bounds: Bounds) -> dict[str, ColumnElement[str]]:
    """A visitor's category, sex, age band and nationality from a contact's answers."""
    answers = contacts.c.answers
    return {
        "category": _choice(_answer(answers, "person.category"), CATEGORIES),
        "sex": _choice(_answer(answers, "person.sex"), SEXES),
        "age_band": _age_band(answers, contacts.c.at, bounds),
        "nationality": _nationality(answers),
    }


def needs_of(contacts: Any) -> Any:
    """The needs a contact's answers list (``value``), to join with the contacts."""
    return func.json_each(contacts.c.answers, "$.needs").table_valued("value").alias("need")


def _visitors(session: Session, bounds: Bounds) -> dict[str, Any]:
    contacts = contacts_of(bounds).subquery()
    visits, visitors, anonymous = session.execute(
        select(
            func.count(),
            func.count(distinct(contacts.c.visitor)),
            func.count(case((contacts.c.consent_record.is_(False), 1))),
        )
    ).one()
    dimensions = visitor_dimensions(contacts, bounds)
    combinations = session.execute(
        select(*dimensions.values(), func.count())
        .select_from(contacts)
        .where(contacts.c.latest == 1)
        .group_by(*dimensions.values())
    ).all()
    breakdowns = {}
    for index, name in enumerate(dimensions):  # one query, summed per dimension
        totals: Counter[str] = Counter()
        for *keys, count in combinations:
            totals[keys[index]] += int(count)
        breakdowns[f"visitors_by_{name}"] = _counts(totals.items())
    need = needs_of(contacts)
    needs = session.execute(
        select(need.c.value, func.count(distinct(contacts.c.visitor)))
        .select_from(contacts)
        .join(need, true())
        .where(func.typeof(need.c.value) == "text")
        .group_by(need.c.value)
    ).all()
    return {
        "visits": visits,
        "visitors": visitors,
        "anonymous_contacts": anonymous,
        **breakdowns,
        "needs": _counts(needs),
    }


# --- referrals, follow-ups, needs and cases -----------------------------------------------


def referrals_overdue(bounds: Bounds) -> list[ColumnElement[bool]]:
    """Referrals made before the cut-off, due before it and not closed by then."""
    closed_before = select(ReferralEvent.referral_id).where(
        ReferralEvent.state.not_in(OPEN_STATES), ReferralEvent.at < bounds.cutoff
    )
    return [
        Referral.created_at < bounds.cutoff,
        Referral.due_at < bounds.cutoff,
        Referral.id.not_in(closed_before),
    ]


def _referrals(session: Session, bounds: Bounds) -> ReferralFigures:
    made = bounds.within(Referral.created_at)
    by_category = session.execute(
        select(Referral.need_key, func.count()).where(made).group_by(Referral.need_key)
    ).all()
    by_state = session.execute(
        select(Referral.state, func.count()).where(made).group_by(Referral.state)
    ).all()
    first_outcome = (
        select(func.min(ReferralEvent.at))
        .where(ReferralEvent.referral_id == Referral.id, ReferralEvent.state.in_(OUTCOME_STATES))
        .scalar_subquery()
    )
    response = _seconds(Referral.created_at, first_outcome) / SECONDS_PER_DAY
    overdue = session.scalar(select(func.count()).where(*referrals_overdue(bounds)))
    return ReferralFigures(
        made=sum(count for _, count in by_category),
        by_category=_counts(by_category),
        by_state=_counts((ReferralState(state).value, count) for state, count in by_state),
        response_days=_durations(session, response, [made]),
        overdue=overdue or 0,
    )


def follow_ups_overdue(bounds: Bounds) -> list[ColumnElement[bool]]:
    """Steps due before the cut-off's day, planned before it and not done by it."""
    return [
        AccompanimentStep.due_on < bounds.cutoff_day,
        AccompanimentStep.created_at < bounds.cutoff,
        or_(AccompanimentStep.done_at.is_(None), AccompanimentStep.done_at >= bounds.cutoff),
    ]


def _follow_ups_overdue(session: Session, bounds: Bounds) -> int:
    return session.scalar(select(func.count()).where(*follow_ups_overdue(bounds))) or 0


def needs_marked(bounds: Bounds, state: NeedState) -> list[ColumnElement[bool]]:
    """The changes of a need to ``state`` during the period (a need counts once)."""
    return [CaseNeedEvent.state == state, bounds.within(CaseNeedEvent.at)]


def _needs_marked(session: Session, bounds: Bounds, state: NeedState) -> int:
    return (
        session.scalar(
            select(func.count(distinct(CaseNeedEvent.need_id))).where(*needs_marked(bounds, state))
        )
        or 0
    )


def _cases(session: Session, bounds: Bounds) -> tuple[int, int]:
    closed, resolved = session.execute(
        select(func.count(), func.count(case((Case.close_reason == RESOLVED, 1)))).where(
            bounds.within(Case.closed_at)
        )
    ).one()
    return closed, resolved


def persons_new(bounds: Bounds) -> list[ColumnElement[bool]]:
    """The persons recorded during the period, merged duplicates left out."""
    return [bounds.within(Person.created_at), Person.merged_into_id.is_(None)]


def _persons_new(session: Session, bounds: Bounds) -> int:
    return session.scalar(select(func.count()).where(*persons_new(bounds))) or 0


def visitors_by_commune(
    context: OfficeContext, start: date, end: date, *, zone: ZoneInfo = OFFICE_ZONE
) -> Counts:
    """The period's visitors by commune of residence, from their latest contact's answers
    as the other breakdowns are: the HCP code of a commune of Souss-Massa, ``other`` or
    ``unknown`` (:func:`protocol.communes.statistics_commune`, as the statistics count)."""
    bounds = period_bounds(start, end, datetime.now(UTC), zone)
    contacts = contacts_of(bounds).subquery()
    commune = _answer(contacts.c.answers, "person.commune")
    with context.store.session() as session:
        rows = session.execute(
            select(commune, func.count())
            .select_from(contacts)
            .where(contacts.c.latest == 1)
            .group_by(commune)
        ).all()
    totals: Counter[str] = Counter()
    for value, count in rows:
        totals[statistics_commune(value)] += int(count)
    return _counts(totals.items())


def period_report(
    context: OfficeContext,
    start: date,
    end: date,
    *,
    now: datetime | None = None,
    config: QueueConfig | None = None,
    zone: ZoneInfo = OFFICE_ZONE,
) -> PeriodReport:
    """The office's figures over the office days ``start`` to ``end`` (both included), as
    they stand at ``now`` (the current time by default); ``config`` gives the reasons'
    target waits (the office's ``reasons.toml`` by default). Raises :class:`ReportError`
    when ``end`` is before ``start``."""
    now = now or datetime.now(UTC)
    bounds = period_bounds(start, end, now, zone)
    config = config or load_config(context.paths.config_dir)
    with context.store.session() as session:
        visitors = _visitors(session, bounds)
        closed, resolved = _cases(session, bounds)
        return PeriodReport(
            office=context.office_name,
            start=start,
            end=end,
            made_at=now,
            provisional=now < bounds.end,
            persons_new=_persons_new(session, bounds),
            queue=_queue(session, context.office_id, start, end, config),
            referrals=_referrals(session, bounds),
            follow_ups_overdue=_follow_ups_overdue(session, bounds),
            needs_met=_needs_marked(session, bounds, NeedState.MET),
            needs_not_met=_needs_marked(session, bounds, NeedState.NOT_MET),
            cases_closed=closed,
            cases_resolved=resolved,
            **visitors,
        )
