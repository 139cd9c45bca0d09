"""A need of a case marked met or not met (with a reason), and the suggestion a service's
"done" makes: the same operations for the desk and ``baom case need``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from db.cases import NEED_NOT_MET_REASONS
from db.uow import Actor
from kiosk.cases import referrals, work
from kiosk.cases.casework import CaseError
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.office import OfficeContext
from protocol.wire import ReferralOutcome
from tests.helpers.intake import answers
from tests.unit.kiosk.cases.conftest import service_for


def _case(desk: OfficeContext) -> str:
    saved = submit_intake(desk.store, desk.system, IntakeRequest(answers()))
    assert saved.case_code
    return saved.case_code


def _needs(desk: OfficeContext, code: str) -> dict[str, dict[str, object]]:
    return {need["need"]: need for need in work.read_case(desk, code)["needs"]}


def test_a_need_is_open_until_the_officer_marks_it_met_and_the_timeline_says_so(
    desk: OfficeContext, officer: Actor
) -> None:
    code = _case(desk)
    assert {key: need["state"] for key, need in _needs(desk, code).items()} == {
        "civil_registration": "open",
        "health": "open",
    }
    answer = work.set_need_state(desk, officer, code, "health", "met")
    assert answer["code"] == code and answer["need"] == "health" and answer["state"] == "met"
    needs = _needs(desk, code)
    assert (needs["health"]["state"], needs["health"]["reason"]) == ("met", "")
    assert needs["civil_registration"]["state"] == "open"
    line = work.read_case(desk, code)["timeline"][-1]
    assert (line["kind"], line["text"], line["author"]) == ("need_met", "health", "amina")


def test_not_met_needs_one_of_the_fixed_reasons_and_can_be_corrected(
    desk: OfficeContext, officer: Actor
) -> None:
    code = _case(desk)
    with pytest.raises(CaseError, match="a need not met needs a reason among") as refused:
        work.set_need_state(desk, officer, code, "health", "not_met")
    assert refused.value.message_key == "error.cases.need_reason"
    with pytest.raises(CaseError, match="a need not met needs a reason"):
        work.set_need_state(desk, officer, code, "health", "not_met", "she was sick")
    assert "lost_contact" in NEED_NOT_MET_REASONS
    work.set_need_state(desk, officer, code, "health", "not_met", "lost_contact")
    assert _needs(desk, code)["health"]["reason"] == "lost_contact"
    work.set_need_state(desk, officer, code, "health", "met")  # she came back: it was met
    assert (_needs(desk, code)["health"]["state"], _needs(desk, code)["health"]["reason"]) == (
        "met",
        "",
    )
    work.set_need_state(desk, officer, code, "health", "open")
    kinds = [item["kind"] for item in work.read_case(desk, code)["timeline"]]
    assert kinds[-3:] == ["need_not_met", "need_met", "need_open"]
    with pytest.raises(CaseError, match="a met need has no reason"):
        work.set_need_state(desk, officer, code, "health", "met", "lost_contact")


def test_an_unknown_need_and_a_closed_case_are_refused(desk: OfficeContext, officer: Actor) -> None:
    code = _case(desk)
    with pytest.raises(CaseError, match="has no need food") as unknown:
        work.set_need_state(desk, officer, code, "food", "met")
    assert unknown.value.message_key == "error.cases.no_need"
    with pytest.raises(CaseError, match="a need is open, met or not_met"):
        work.set_need_state(desk, officer, code, "health", "solved")
    work.close_case(desk, officer, code, "need_met")
    with pytest.raises(CaseError, match="closed: reopen it first"):
        work.set_need_state(desk, officer, code, "health", "met")


def test_a_done_referral_on_an_open_need_suggests_marking_it_met_and_never_marks_it(
    desk: OfficeContext, officer: Actor
) -> None:
    code = _case(desk)
    case_id = work.read_case(desk, code)["case_id"]
    service = service_for(desk, "état civil")
    by_phone = work.make_referral(desk, officer, case_id, service, "civil_registration", "normal")
    partner = work.make_referral(desk, officer, case_id, service, "health", "normal")
    assert all(need["suggest_met"] is None for need in _needs(desk, code).values())

    work.set_referral_state(desk, officer, by_phone, "done", provided="acte délivré")
    with desk.store.unit_of_work(desk.system) as uow:
        referral = referrals.find_referral(uow.session, partner)
        outcome = ReferralOutcome(
            referral_id=referral.id, state="done", reported_at=datetime.now(UTC)
        )
        referrals.record_outcome(uow, outcome)
    needs = _needs(desk, code)
    assert needs["civil_registration"]["suggest_met"] == by_phone
    assert needs["health"]["suggest_met"] == partner
    assert {need["state"] for need in needs.values()} == {"open"}  # only suggested

    work.set_need_state(desk, officer, code, "civil_registration", "met")
    work.set_need_state(desk, officer, code, "health", "not_met", "declined_by_person")
    assert all(need["suggest_met"] is None for need in _needs(desk, code).values())
