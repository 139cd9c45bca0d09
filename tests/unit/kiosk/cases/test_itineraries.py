"""Itineraries on a case: applying a template to a need, its steps with due dates, ticking
them done or skipped, branches and the birth-registration deadline, and closing the need
when the itinerary ends; the same operations for the desk and the command line."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from db.uow import Actor
from kiosk.cases import work
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.clock import office_today
from kiosk.itineraries.casework import ItineraryError
from kiosk.office import OfficeContext
from tests.helpers.intake import answers

# 10:00 in the office, on a day of summer time (GMT+1)
MORNING = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def _case(desk: OfficeContext, **changes: object) -> str:
    saved = submit_intake(desk.store, desk.system, IntakeRequest(answers(**changes)))
    assert saved.case_code
    return saved.case_code


def _itinerary(detail: dict[str, object], need: str) -> dict[str, object]:
    (found,) = [
        view
        for view in detail["itineraries"]  # type: ignore[attr-defined]
        if view["need"] == need and view["state"] in ("active", "ended")
    ]
    return found  # type: ignore[no-any-return]


def _steps(view: dict[str, object]) -> list[tuple[str, str, str]]:
    return [(s["step"], s["state"], s["due"]) for s in view["steps"]]  # type: ignore[attr-defined]


def test_applying_the_proposed_template_plans_its_steps_with_due_dates(
    desk: OfficeContext, officer: Actor
) -> None:
    code = _case(desk, needs=["health"])
    need = work.read_case(desk, code, now=MORNING)["needs"][0]
    assert (need["need"], need["proposed"], need["itinerary"]) == (
        "health",
        "basic_health_care",
        None,
    )
    applied = work.apply_itinerary(desk, officer, code, "health", now=MORNING)
    assert applied["template"] == "basic_health_care" and applied["code"] == code
    assert _steps(applied) == [
        ("health_centre", "current", "2026-05-07"),
        ("cover_check", "planned", "2026-05-14"),
        ("association_care", "planned", "2026-05-28"),  # no cover: the default path
        ("follow_up", "planned", "2026-06-11"),
    ]
    current = applied["steps"][0]
    assert current["documents"][1]["name"] == "Carnet de santé ou de vaccination"
    assert current["service"] == {"category": "health", "eligible": None, "priority": "normal"}
    assert current["rules"][0]["review"] == "pending" and current["rules"][0]["source"]
    detail = work.read_case(desk, code, now=MORNING)
    shown = _itinerary(detail, "health")
    assert shown["current"] == "health_centre"
    services = shown["steps"][0]["services"]
    assert services and all(s["name"] for s in services)  # real services of the directory
    assert [s["due"] for s in detail["steps"]][:2] == ["2026-05-07", "2026-05-14"]
    assert detail["needs"][0]["itinerary"] == shown["itinerary_id"]


def test_ticking_steps_moves_the_itinerary_and_the_need_is_then_met_or_not(
    desk: OfficeContext, officer: Actor
) -> None:
    code = _case(desk, needs=["health"])
    work.apply_itinerary(desk, officer, code, "health", now=MORNING)
    later = MORNING + timedelta(days=10)
    done = work.step_done(desk, officer, code, "health_centre", now=later)
    assert done["state"] == "done"
    # done on 14 May, later than planned: the steps after it move with it
    assert _steps(done["itinerary"])[1] == ("cover_check", "current", "2026-05-21")
    skipped = work.step_done(desk, officer, code, "cover_check", "done_elsewhere", now=later)
    assert skipped["state"] == "skipped"
    work.step_done(desk, officer, code, "association_care", now=later)
    last = work.step_done(desk, officer, code, "follow_up", now=later)
    assert last["itinerary"]["state"] == "ended" and last["itinerary"]["current"] is None
    work.set_need_state(desk, officer, code, "health", "met")
    detail = work.read_case(desk, code, now=later)
    closed = detail["itineraries"][0]
    assert (closed["state"], closed["outcome"]) == ("closed", "met")
    kinds = [line["kind"] for line in detail["timeline"]]
    assert "itinerary_started" in kinds and "step_skipped" in kinds


def test_a_skip_needs_one_of_the_fixed_reasons_and_a_step_is_finished_once(
    desk: OfficeContext, officer: Actor
) -> None:
    code = _case(desk, needs=["health"])
    work.apply_itinerary(desk, officer, code, "health", now=MORNING)
    with pytest.raises(ItineraryError, match="a step is skipped for one of") as refused:
        work.step_done(desk, officer, code, "health_centre", "she did not want to", now=MORNING)
    assert refused.value.message_key == "error.cases.skip_reason"
    work.step_done(desk, officer, code, "health_centre", now=MORNING)
    with pytest.raises(ItineraryError, match="no step health_centre to do"):
        work.step_done(desk, officer, code, "health_centre", now=MORNING)


def test_a_need_closed_not_met_keeps_the_step_the_person_had_reached(
    desk: OfficeContext, officer: Actor
) -> None:
    code = _case(desk, needs=["legal_aid"])
    work.apply_itinerary(desk, officer, code, "legal_aid", now=MORNING)
    work.step_done(desk, officer, code, "understand", now=MORNING)
    work.set_need_state(desk, officer, code, "legal_aid", "not_met", "lost_contact")
    detail = work.read_case(desk, code, now=MORNING)
    view = detail["itineraries"][0]
    assert (view["state"], view["outcome"], view["stopped_step"]) == (
        "closed",
        "not_met",
        "legal_advice",
    )
    assert [s["step"] for s in view["steps"]] == ["understand"]  # what was left is dropped
    assert work.read_follow_up(desk, None, MORNING + timedelta(days=60))["steps"] == []
    work.set_need_state(desk, officer, code, "legal_aid", "open")  # she came back
    again = _itinerary(work.read_case(desk, code, now=MORNING), "legal_aid")
    assert again["current"] == "legal_advice"


def test_an_officer_chooses_a_branch_and_another_template_replaces_the_first(
    desk: OfficeContext, officer: Actor
) -> None:
    code = _case(desk, needs=["residence_papers"])
    first = work.apply_itinerary(desk, officer, code, "residence_papers", now=MORNING)
    assert "gather_first" in [s[0] for s in _steps(first)]
    renewal = work.apply_itinerary(
        desk, officer, code, "residence_papers", choices={"request": "renewal"}, now=MORNING
    )
    keys = [s[0] for s in _steps(renewal)]
    assert "gather_renewal" in keys and "gather_first" not in keys
    assert renewal["branches"][0]["chosen"] is True
    with pytest.raises(ItineraryError, match="request=second is not a path"):
        work.apply_itinerary(
            desk, officer, code, "residence_papers", choices={"request": "second"}, now=MORNING
        )
    with pytest.raises(ItineraryError, match="is for the need health"):
        work.apply_itinerary(desk, officer, code, "residence_papers", "basic_health_care")
    with pytest.raises(ItineraryError, match="no itinerary template 'nope'"):
        work.apply_itinerary(desk, officer, code, "residence_papers", "nope")


def test_an_intake_with_a_birth_not_declared_starts_the_civil_registration_itinerary(
    desk: OfficeContext, officer: Actor
) -> None:
    born = office_today() - timedelta(days=5)  # five days ago on the office's calendar
    code = _case(desk, needs=["health"], household__newborn_birth_date=born.isoformat())
    detail = work.read_case(desk, code)
    assert {need["need"] for need in detail["needs"]} == {"health", "civil_registration"}
    view = _itinerary(detail, "civil_registration")
    assert view["template"] == "birth_registration" and view["anchor_on"] == born.isoformat()
    declare = next(s for s in view["steps"] if s["step"] == "declare_birth")
    assert declare["deadline"] == (born + timedelta(days=30)).isoformat()
    assert view["deadline"]["step"] == "declare_birth"
    assert view["deadline"]["days_left"] == 25
    assert declare["service"]["priority"] == "urgent"
    assert not any(s["step"] == "court_request" for s in view["steps"])
    # the countdown is on the home page at once, before the steps due before it
    (line,) = [
        line for line in work.read_follow_up(desk, None)["steps"] if line["case_code"] == code
    ]
    assert line["step"] == "declare_birth" and line["deadline"] == declare["deadline"]
    assert line["days_left"] == view["deadline"]["days_left"]
    in_three_days = datetime.now(UTC) + timedelta(days=3)
    lines = work.read_follow_up(desk, None, in_three_days)["steps"]
    steps = [line["step"] for line in lines if line["case_code"] == code]
    assert steps == ["gather_documents", "declare_birth"]  # due now, and the deadline


def test_a_birth_declared_already_starts_nothing_and_an_old_one_takes_the_court_path(
    desk: OfficeContext,
) -> None:
    born = (datetime.now(UTC) - timedelta(days=5)).date().isoformat()
    declared = _case(desk, household__newborn_birth_date=born, household__newborn_declared=True)
    assert work.read_case(desk, declared)["itineraries"] == []
    old = (datetime.now(UTC) - timedelta(days=45)).date().isoformat()
    late = _case(
        desk,
        person__given_name="Fatou",
        person__phone="0698765432",
        household__newborn_birth_date=old,
    )
    view = _itinerary(work.read_case(desk, late), "civil_registration")
    keys = [s["step"] for s in view["steps"]]
    assert "declare_birth" not in keys and "court_request" in keys
    assert "consulate" in keys  # foreign parents (a third-country national)


def test_a_deadline_that_passes_shows_the_court_path_and_takes_it_at_the_next_step(
    desk: OfficeContext, officer: Actor
) -> None:
    born = date(2026, 4, 20)
    code = _case(desk, needs=["civil_registration"], household__newborn_birth_date="2026-04-20")
    start = datetime(2026, 4, 25, 9, 0, tzinfo=UTC)
    work.apply_itinerary(desk, officer, code, "civil_registration", anchor_on=born, now=start)
    on_time = _itinerary(work.read_case(desk, code, now=start), "civil_registration")
    assert on_time["deadline"] == {
        "step": "declare_birth",
        "on": "2026-05-20",
        "days_left": 25,
        "passed": False,
    }
    assert on_time["replan"] is None
    late = datetime(2026, 5, 22, 9, 0, tzinfo=UTC)
    view = _itinerary(work.read_case(desk, code, now=late), "civil_registration")
    assert view["deadline"]["passed"] and view["deadline"]["days_left"] == -2
    assert view["replan"] == {"branch": "timing", "path": "court"}
    after = work.step_done(desk, officer, code, "gather_documents", now=late)["itinerary"]
    keys = [s["step"] for s in after["steps"]]
    assert "declare_birth" not in keys and after["current"] == "court_request"
    assert after["replan"] is None


def test_the_yearly_proof_of_life_comes_back_and_outlives_a_need_met(
    desk: OfficeContext, officer: Actor
) -> None:
    code = _case(desk, needs=["pensions_social_security"], person__category="mre")
    work.apply_itinerary(desk, officer, code, "pensions_social_security", now=MORNING)
    for step in ("gather_documents", "career_statement", "file_claim", "follow_decision"):
        work.step_done(desk, officer, code, step, now=MORNING)
    ended = work.step_done(desk, officer, code, "first_payment", now=MORNING)["itinerary"]
    assert ended["state"] == "ended"
    assert _steps(ended)[-1] == ("proof_of_life", "current", "2027-02-28")
    work.set_need_state(desk, officer, code, "pensions_social_security", "met")
    done = work.step_done(
        desk, officer, code, "proof_of_life", now=datetime(2027, 2, 10, 9, tzinfo=UTC)
    )
    following = [s for s in done["itinerary"]["steps"] if s["state"] != "done"]
    assert [(s["step"], s["due"]) for s in following] == [("proof_of_life", "2028-02-10")]
    stopped = work.step_done(
        desk, officer, code, "proof_of_life", "not_needed", now=datetime(2028, 2, 1, 9, tzinfo=UTC)
    )
    assert all(s["state"] in ("done", "skipped") for s in stopped["itinerary"]["steps"])


def test_closing_a_case_closes_its_itineraries_and_a_closed_case_takes_none(
    desk: OfficeContext, officer: Actor
) -> None:
    code = _case(desk, needs=["education"])
    work.apply_itinerary(desk, officer, code, "education", now=MORNING)
    work.close_case(desk, officer, code, "moved_away")
    view = work.read_case(desk, code, now=MORNING)["itineraries"][0]
    assert view["state"] == "closed" and view["stopped_step"] == "gather_documents"
    with pytest.raises(ItineraryError, match="is closed: reopen it first"):
        work.apply_itinerary(desk, officer, code, "education", now=MORNING)


def test_the_stats_say_how_long_each_step_took_and_where_cases_stall(
    desk: OfficeContext, officer: Actor
) -> None:
    from kiosk.itineraries.learning import read_template_stats

    day = timedelta(days=1)
    quick = _case(desk, needs=["legal_aid"])
    work.apply_itinerary(desk, officer, quick, "legal_aid", now=MORNING)
    work.step_done(desk, officer, quick, "understand", now=MORNING + 2 * day)
    work.step_done(desk, officer, quick, "legal_advice", now=MORNING + 12 * day)  # late
    slow = _case(desk, needs=["legal_aid"], person__given_name="Moussa", person__phone=None)
    work.apply_itinerary(desk, officer, slow, "legal_aid", now=MORNING)
    work.step_done(desk, officer, slow, "understand", now=MORNING + 4 * day)
    stalled = _case(desk, needs=["legal_aid"], person__given_name="Awa", person__phone=None)
    work.apply_itinerary(desk, officer, stalled, "legal_aid", now=MORNING)
    work.set_need_state(desk, officer, stalled, "legal_aid", "not_met", "lost_contact")
    figures = read_template_stats(desk, "legal_aid", MORNING + 20 * day)
    assert figures["itineraries"] == {
        "started": 3,
        "active": 2,
        "ended": 0,
        "met": 0,
        "not_met": 1,
        "case_closed": 0,
        "replaced": 0,
        "median_days_met": None,
    }
    assert figures["not_met_reasons"] == {"lost_contact": 1}
    steps = {step["step"]: step for step in figures["steps"]}
    understand, advice = steps["understand"], steps["legal_advice"]
    assert (understand["done"], understand["median_days"], understand["p90_days"]) == (2, 3.0, 4)
    assert (advice["done"], advice["median_days"], advice["late"]) == (1, 10.0, 1)
    # the slow case waits on legal advice since day 4, overdue since day 11
    assert (advice["waiting"], advice["overdue"], advice["median_waiting_days"]) == (1, 1, 16.0)
    assert steps["understand"]["stalled"] == 1  # the unmet one never got past it
    assert figures["title"] == "Aide juridique et assistance judiciaire"


def test_step_durations_leave_for_the_region_only_for_persons_counted(
    desk: OfficeContext, officer: Actor
) -> None:
    from sqlalchemy import select

    from db.cases import StepStat
    from kiosk.statistics import make_month

    counted = _case(desk, needs=["legal_aid"])
    refused = _case(
        desk,
        needs=["legal_aid"],
        consent__stats=False,
        person__given_name="Omar",
        person__phone=None,
    )
    for code in (counted, refused):
        work.apply_itinerary(desk, officer, code, "legal_aid", now=MORNING)
        work.step_done(desk, officer, code, "understand", now=MORNING + timedelta(days=3))
    with desk.store.unit_of_work(desk.system) as uow:
        make_month(uow, "2026-05")
    with desk.store.session() as session:
        made = session.scalars(select(StepStat)).all()
        assert [(s.month, s.template, s.step, s.outcome, s.days) for s in made] == [
            ("2026-05", "legal_aid", "understand", "done", 3)
        ]
    with desk.store.unit_of_work(desk.system) as uow:
        make_month(uow, "2026-05")  # made once
    with desk.store.session() as session:
        assert len(session.scalars(select(StepStat)).all()) == 1
