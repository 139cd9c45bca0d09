"""The lists behind the figures (``kiosk.reports.lists``): as many rows as the figure counts,
over the month of known activity (``tests.helpers.activity.known_month``), audited."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from db.models import AuditEntry, Role
from db.uow import Actor
from kiosk.accounts import PermissionDenied
from kiosk.audit import REPORT_LIST
from kiosk.office import OfficeContext
from kiosk.reports.lists import ANONYMOUS, BREAKDOWNS, FIGURES, figure_list
from kiosk.reports.period import PeriodReport, ReportError, period_report
from tests.helpers.activity import known_month

AFTER = datetime(2026, 12, 15, tzinfo=UTC)
START, END = date(2026, 11, 1), date(2026, 11, 30)
OFFICER = ("amina", "demo-password")


def _supervisor(office: OfficeContext) -> Actor:
    office.accounts.add(office.system, "hassan", Role.SUPERVISOR, "long-password-1")
    return office.accounts.login("hassan", "long-password-1")[0]


def _count(report: PeriodReport, figure: str, key: str) -> int:
    if figure in BREAKDOWNS:
        if figure.startswith("referrals_by_"):
            breakdown = getattr(report.referrals, figure.removeprefix("referrals_"))
        else:
            breakdown = getattr(report, figure)
        return int(breakdown[key])
    if figure == "referrals_made":
        return report.referrals.made
    if figure == "referrals_overdue":
        return report.referrals.overdue
    return int(getattr(report, figure))


def _wanted(report: PeriodReport) -> list[tuple[str, str]]:
    """Every figure of the report with a list, and every key of every breakdown."""
    wanted = [(figure, "") for figure in FIGURES if figure not in BREAKDOWNS]
    breakdowns = {
        "referrals_by_category": report.referrals.by_category,
        "referrals_by_state": report.referrals.by_state,
        **{name: getattr(report, name) for name in BREAKDOWNS if not name.startswith("ref")},
    }
    for figure, counts in breakdowns.items():
        wanted += [(figure, key) for key in counts]
    return wanted


def test_every_list_has_as_many_rows_as_its_figure_counts(office: OfficeContext) -> None:
    known_month(office.store, office.office_id)
    report = period_report(office, START, END, now=AFTER)
    supervisor = _supervisor(office)
    wanted = _wanted(report)
    assert len(wanted) > 30
    for figure, key in wanted:
        listed = figure_list(office, supervisor, figure, START, END, key, now=AFTER)
        assert len(listed.rows) == _count(report, figure, key), (figure, key)


def test_a_list_names_cases_by_code_with_a_date_and_a_state(office: OfficeContext) -> None:
    known_month(office.store, office.office_id)
    supervisor = _supervisor(office)
    overdue = figure_list(office, supervisor, "follow_ups_overdue", START, END, now=AFTER)
    assert [(row.case_code, row.day, row.state) for row in overdue.rows] == [
        ("C-000008", date(2026, 11, 30), "open"),  # p8's step, due on the last day
        ("C-000003", date(2026, 11, 20), "closed"),  # done only on 2 December
        ("C-000002", date(2026, 11, 15), "closed"),
    ]
    declined = figure_list(
        office, supervisor, "referrals_by_state", START, END, "declined", now=AFTER
    )
    assert [(r.case_code, r.state, r.detail) for r in declined.rows] == [
        ("C-000002", "declined", "R-000002")
    ]
    anonymous = figure_list(office, supervisor, "anonymous_contacts", START, END, now=AFTER)
    assert [(r.case_id, r.case_code, r.state) for r in anonymous.rows] == [
        (None, "", ANONYMOUS),
        (None, "", ANONYMOUS),
    ]
    assert [r.day for r in anonymous.rows] == [date(2026, 11, 13), date(2026, 11, 12)]


def test_reading_a_list_is_audited_and_refused_to_an_officer(office: OfficeContext) -> None:
    known_month(office.store, office.office_id)
    supervisor = _supervisor(office)
    figure_list(office, supervisor, "visitors_by_category", START, END, "rpt", now=AFTER)
    with office.store.session() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == REPORT_LIST)).one()
    assert entry.user_name == "hassan"
    assert (
        entry.detail == "figure=visitors_by_category key=rpt from=2026-11-01 to=2026-11-30 rows=8"
    )
    officer = office.accounts.login(*OFFICER)[0]
    with pytest.raises(PermissionDenied):
        figure_list(office, officer, "visits", START, END, now=AFTER)


@pytest.mark.parametrize(
    ("figure", "key"),
    [("tickets", ""), ("visits", "rpt"), ("needs", ""), ("referrals_by_state", "lost")],
)
def test_a_figure_without_a_list_is_refused(office: OfficeContext, figure: str, key: str) -> None:
    with pytest.raises(ReportError) as refused:
        figure_list(office, _supervisor(office), figure, START, END, key, now=AFTER)
    assert refused.value.message_key == "error.reports.list"
