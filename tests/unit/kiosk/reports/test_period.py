"""The figures of a period (``kiosk.reports.period``) over a month of known activity,
computed by hand (``tests.helpers.activity.known_month``)."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime, timedelta

import pytest

from kiosk.office import OfficeContext
from kiosk.reports.period import Durations, PeriodReport, ReportError, period_report
from tests.helpers.activity import Activity, known_month, local

AFTER = datetime(2026, 12, 15, tzinfo=UTC)


@pytest.fixture
def november(office: OfficeContext) -> PeriodReport:
    known_month(office.store, office.office_id)
    return period_report(office, date(2026, 11, 1), date(2026, 11, 30), now=AFTER)


def test_visits_visitors_and_new_persons_follow_the_office_clock(november: PeriodReport) -> None:
    assert november.office == "BAOM Taliouine"
    assert not november.provisional
    assert november.visits == 13  # a merged duplicate's intake is a visit of the person kept
    assert november.visitors == 11
    assert november.anonymous_contacts == 2
    assert november.persons_new == 8


def test_visitors_are_counted_once_by_their_latest_answers(november: PeriodReport) -> None:
    assert dict(november.visitors_by_category) == {
        "rpt": 8,
        "mre": 1,
        "mre_returnee": 1,
        "other": 1,
    }
    assert dict(november.visitors_by_sex) == {"m": 8, "f": 3}
    assert dict(november.visitors_by_age_band) == {
        "18-29": 6,
        "30-44": 2,
        "0-17": 1,
        "45-59": 1,
        "60+": 1,
    }
    assert dict(november.visitors_by_nationality) == {
        "CI": 5,
        "unknown": 2,
        "GN": 1,
        "MA": 1,
        "ML": 1,
        "SN": 1,
    }
    assert dict(november.needs) == {
        "residence_papers": 5,
        "health": 2,
        "consular": 1,
        "education": 1,
        "housing": 1,
        "legal_aid": 1,
        "pensions_social_security": 1,
    }


def test_queue_times_are_nearest_rank_medians_and_p90(november: PeriodReport) -> None:
    queue = november.queue
    assert (queue.tickets, queue.served, queue.no_show, queue.cancelled) == (5, 3, 1, 1)
    assert (queue.closed, queue.open) == (0, 0)
    assert queue.wait_min == Durations(4, 10.0, 30.0)
    assert queue.service_min == Durations(3, 15.0, 20.0)
    assert queue.served_within_target == 0.667


def test_referrals_their_outcomes_and_what_was_overdue_at_the_end(
    november: PeriodReport,
) -> None:
    referrals = november.referrals
    assert referrals.made == 5
    assert dict(referrals.by_category) == {
        "residence_papers": 3,
        "health": 1,
        "pensions_social_security": 1,
    }
    assert dict(referrals.by_state) == {"sent": 2, "declined": 1, "done": 1, "withdrawn": 1}
    assert referrals.response_days == Durations(2, 1.5, 2.0)
    assert referrals.overdue == 3  # one answered only after the month's end
    assert november.follow_ups_overdue == 3


def test_needs_met_and_cases_resolved(november: PeriodReport) -> None:
    assert (november.needs_met, november.needs_not_met) == (2, 1)
    assert (november.cases_closed, november.cases_resolved) == (2, 1)


def test_the_published_report_groups_the_small_nationalities(november: PeriodReport) -> None:
    published = november.published()
    assert dict(published.visitors_by_nationality) == {"CI": 5, "other": 4, "unknown": 2}
    assert published.small_counts_grouped and not november.small_counts_grouped
    assert published.visitors_by_sex == november.visitors_by_sex


def test_the_report_cannot_be_changed(november: PeriodReport) -> None:
    with pytest.raises(FrozenInstanceError):
        november.visits = 0  # type: ignore[misc]
    with pytest.raises(TypeError):
        november.needs["health"] = 0  # type: ignore[index]


def test_a_period_not_over_is_provisional_and_counts_overdue_now(office: OfficeContext) -> None:
    known_month(office.store, office.office_id)
    now = datetime(2026, 11, 18, 12, tzinfo=UTC)
    report = period_report(office, date(2026, 11, 1), date(2026, 11, 30), now=now)
    assert report.provisional
    assert report.follow_ups_overdue == 1  # the step due on 15 November
    assert report.referrals.overdue == 2  # made in October, due on 3 and 8 November


def test_a_period_ending_before_it_starts_is_refused(office: OfficeContext) -> None:
    with pytest.raises(ReportError, match="before it starts") as refused:
        period_report(office, date(2026, 11, 30), date(2026, 11, 1))
    assert refused.value.message_key == "error.reports.period_order"


def test_an_empty_office_has_zeros_and_no_times(office: OfficeContext) -> None:
    report = period_report(office, date(2026, 11, 1), date(2026, 11, 30), now=AFTER)
    assert (report.visits, report.visitors, report.queue.tickets, report.referrals.made) == (
        0,
        0,
        0,
        0,
    )
    assert report.queue.wait_min == Durations(0, None, None)
    assert report.queue.served_within_target is None
    assert dict(report.needs) == {}


def test_the_age_is_counted_in_the_year_of_the_office_clock(office: OfficeContext) -> None:
    activity = Activity(office.office_id)
    for moment in (local("2026-12-31", 23, 30), local("2027-01-01", 0, 30)):  # both 2026 in UTC
        person = activity.person(moment, birth_year=2009)
        activity.visit(person, moment, ["health"], sex="f", birth_year=2009, category="rpt")
    activity.insert(office.store)
    now = datetime(2027, 2, 1, tzinfo=UTC)
    report = period_report(office, date(2026, 12, 15), date(2027, 1, 15), now=now)
    assert dict(report.visitors_by_age_band) == {"0-17": 1, "18-29": 1}
    january = period_report(office, date(2027, 1, 1), date(2027, 1, 31), now=now)
    assert (january.visits, dict(january.visitors_by_age_band)) == (1, {"18-29": 1})


def test_a_wait_of_exactly_the_target_is_within_it(office: OfficeContext) -> None:
    activity = Activity(office.office_id)
    for minute in range(0, 60, 7):  # arrival times whose julian days round differently
        arrived = local("2026-11-02", 9, minute) + timedelta(seconds=13, microseconds=minute)
        activity.ticket(arrived, "pensions_social_security", "done", 15, 10)  # target 15 min
    activity.insert(office.store)
    report = period_report(office, date(2026, 11, 1), date(2026, 11, 30), now=AFTER)
    assert report.queue.served_within_target == 1.0
    assert report.queue.wait_min == Durations(9, 15.0, 15.0)


def test_visitors_by_commune_count_each_visitor_once_by_hcp_code(office: OfficeContext) -> None:
    """Communes answered by code or by name count under the code; elsewhere is ``other``."""
    from kiosk.cases.intake import IntakeRequest, submit_intake
    from kiosk.reports.period import visitors_by_commune
    from tests.helpers.intake import answers

    for given, commune in (
        ("Aminata", "Taliouine"),  # a name, as older intakes have it
        ("Fatou", "09.541.01.11"),  # the code, as the commune picker saves it
        ("Mariam", "تالوين"),
        ("Awa", "Casablanca"),  # not a commune of Souss-Massa
    ):
        request = IntakeRequest(answers(person__given_name=given, person__commune=commune))
        submit_intake(office.store, office.system, request)
    today = date.today()
    counts = visitors_by_commune(office, today - timedelta(days=1), today + timedelta(days=1))
    assert dict(counts) == {"09.541.01.11": 3, "other": 1}
