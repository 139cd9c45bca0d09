"""The lists behind the figures of a period: which cases make a figure of
:func:`kiosk.reports.period.period_report`, for a supervisor on the desk's Reports page.

Each list is read with the same conditions as its figure (``period`` shares them), so that
it has as many rows as the figure counts. A row names a case by its code, with a date and
a state, never by the person's name; an anonymous contact has no case. Reading a list reads
about persons: it is audited (``report.list``: which figure, which key, how many rows) and
refused to a role that may not view reports.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from db.cases import (
    AccompanimentStep,
    Case,
    CaseNeed,
    CaseNeedEvent,
    NeedState,
    Person,
    Referral,
    ReferralState,
)
from db.uow import Actor
from kiosk.accounts import Permission, require
from kiosk.audit import REPORT_LIST, record_read
from kiosk.clock import OFFICE_ZONE
from kiosk.office import OfficeContext
from kiosk.reports.period import (
    RESOLVED,
    Bounds,
    ReportError,
    contacts_of,
    follow_ups_overdue,
    needs_marked,
    needs_of,
    period_bounds,
    persons_new,
    referrals_overdue,
    visitor_dimensions,
)

BREAKDOWNS = (
    "visitors_by_category",
    "visitors_by_sex",
    "visitors_by_age_band",
    "visitors_by_nationality",
    "needs",
    "referrals_by_category",
    "referrals_by_state",
)
"""The figures listed for one key (a category, a need, a state…)."""
FIGURES = (
    "visits",
    "visitors",
    "anonymous_contacts",
    "persons_new",
    "referrals_made",
    "referrals_overdue",
    "follow_ups_overdue",
    "needs_met",
    "needs_not_met",
    "cases_closed",
    "cases_resolved",
    *BREAKDOWNS,
)
"""Every figure that has a list behind it (the queue's tickets name no case)."""
ANONYMOUS = "anonymous"
"""The state of the row of an anonymous contact (no case)."""


@dataclass(frozen=True)
class Row:
    """One line of a list: the case (none for an anonymous contact), the office day of
    what is counted, and its state (a case's status, a referral's state, a need's)."""

    case_id: uuid.UUID | None
    case_code: str
    day: date
    state: str
    detail: str = ""
    """A referral's code, a need's key, a case's close reason."""


@dataclass(frozen=True)
class FigureList:
    """The rows behind ``figure`` (for ``key`` in a breakdown) over ``start`` to ``end``."""

    figure: str
    key: str
    start: date
    end: date
    rows: tuple[Row, ...]


def _day(moment: datetime | date | None, zone: ZoneInfo) -> date:
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return aware.astimezone(zone).date()
    assert moment is not None  # every row listed has its date
    return moment


def _visitor_rows(bounds: Bounds, figure: str, key: str) -> Select[Any]:
    contacts = contacts_of(bounds).subquery()
    c = contacts.c
    columns = (c.case_id, Case.code, c.at, Case.status, c.consent_record)
    if figure == "needs":
        need = needs_of(contacts)
        return (
            # SQLite takes the bare columns from the row of the latest contact
            select(c.case_id, Case.code, func.max(c.at), Case.status, c.consent_record)
            .select_from(contacts)
            .join(need, need.c.value == key)
            .outerjoin(Case, Case.id == c.case_id)
            .group_by(c.visitor)
        )
    query = select(*columns).select_from(contacts).outerjoin(Case, Case.id == c.case_id)
    if figure == "anonymous_contacts":
        return query.where(c.consent_record.is_(False))
    if figure == "visits":
        return query
    query = query.where(c.latest == 1)
    if figure == "visitors":
        return query
    dimension = figure.removeprefix("visitors_by_")
    return query.where(visitor_dimensions(contacts, bounds)[dimension] == key)


def _contact_rows(session: Session, query: Select[Any], zone: ZoneInfo) -> list[Row]:
    return [
        Row(case_id, code or "", _day(at, zone), str(status) if case_id else ANONYMOUS)
        for case_id, code, at, status, _ in session.execute(query).all()
    ]


def _referral_rows(session: Session, where: list[Any], zone: ZoneInfo) -> list[Row]:
    query = (
        select(Referral.case_id, Case.code, Referral.created_at, Referral.state, Referral.code)
        .join(Case, Case.id == Referral.case_id)
        .where(*where)
    )
    return [
        Row(case_id, code, _day(at, zone), str(state), referral)
        for case_id, code, at, state, referral in session.execute(query).all()
    ]


def _rows(session: Session, bounds: Bounds, figure: str, key: str) -> list[Row]:
    zone = bounds.zone
    if figure in ("visits", "visitors", "anonymous_contacts", "needs") or figure.startswith(
        "visitors_by_"
    ):
        return _contact_rows(session, _visitor_rows(bounds, figure, key), zone)
    if figure.startswith("referrals_") and figure != "referrals_overdue":
        where: list[Any] = [bounds.within(Referral.created_at)]
        if figure == "referrals_by_category":
            where.append(Referral.need_key == key)
        elif figure == "referrals_by_state":
            where.append(Referral.state == ReferralState(key))
        return _referral_rows(session, where, zone)
    if figure == "referrals_overdue":
        return _referral_rows(session, referrals_overdue(bounds), zone)
    if figure == "follow_ups_overdue":
        steps = select(Case.id, Case.code, AccompanimentStep.due_on, Case.status).join(
            Case, Case.id == AccompanimentStep.case_id
        )
        return [
            Row(case_id, code, due, str(status))
            for case_id, code, due, status in session.execute(
                steps.where(*follow_ups_overdue(bounds))
            ).all()
        ]
    if figure in ("needs_met", "needs_not_met"):
        state = NeedState.MET if figure == "needs_met" else NeedState.NOT_MET
        needs = (
            select(Case.id, Case.code, func.max(CaseNeedEvent.at), CaseNeed.need_key)
            .join(CaseNeed, CaseNeed.id == CaseNeedEvent.need_id)
            .join(Case, Case.id == CaseNeed.case_id)
            .where(*needs_marked(bounds, state))
            .group_by(CaseNeedEvent.need_id)
        )
        return [
            Row(case_id, code, _day(at, zone), state.value, need)
            for case_id, code, at, need in session.execute(needs).all()
        ]
    if figure in ("cases_closed", "cases_resolved"):
        where = [bounds.within(Case.closed_at)]
        if figure == "cases_resolved":
            where.append(Case.close_reason == RESOLVED)
        cases = select(Case.id, Case.code, Case.closed_at, Case.status, Case.close_reason)
        return [
            Row(case_id, code, _day(at, zone), str(status), reason)
            for case_id, code, at, status, reason in session.execute(cases.where(*where)).all()
        ]
    # persons_new: each new person once, with their first case
    persons = (
        select(func.min(Case.id), func.min(Case.code), Person.created_at, func.min(Case.status))
        .select_from(Person)
        .outerjoin(Case, Case.person_id == Person.id)
        .where(*persons_new(bounds))
        .group_by(Person.id)
    )
    return [
        Row(case_id, code or "", _day(at, zone), str(status) if status else "")
        for case_id, code, at, status in session.execute(persons).all()
    ]


def figure_list(
    context: OfficeContext,
    actor: Actor,
    figure: str,
    start: date,
    end: date,
    key: str = "",
    *,
    now: datetime | None = None,
    zone: ZoneInfo = OFFICE_ZONE,
) -> FigureList:
    """The cases behind ``figure`` (one of :data:`FIGURES`; ``key`` for a breakdown) over
    the office days ``start`` to ``end``, as ``period_report`` counts them at ``now``, the
    latest first; audited, and refused unless ``actor`` may view reports."""
    require(actor, Permission.VIEW_REPORTS)
    known_state = figure != "referrals_by_state" or key in set(ReferralState)
    if figure not in FIGURES or (figure in BREAKDOWNS) != bool(key) or not known_state:
        raise ReportError(f"no list for the figure {figure!r} {key!r}", "list", figure=figure)
    bounds = period_bounds(start, end, now or datetime.now(UTC), zone)
    with context.store.session() as session:
        rows = _rows(session, bounds, figure, key)
    rows.sort(key=lambda row: (row.day, row.case_code), reverse=True)
    detail = f"figure={figure} key={key} from={start} to={end} rows={len(rows)}"
    record_read(context, actor, REPORT_LIST, detail=detail)
    return FigureList(figure, key, start, end, tuple(rows))
