"""The statistics projection made at the office (``kiosk.statistics``)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from db.cases import Intake, Referral, ReferralEvent, StatRecord
from db.models import OutboxEnvelope
from kiosk.cases import work
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.cases.referrals import NewReferral, create_referral
from kiosk.office import OfficeContext
from kiosk.statistics import dimensions, last_closed_month, make_closed_months
from protocol.privacy import inventory
from tests.helpers.intake import answers
from tests.unit.kiosk.cases.conftest import service_for

OCTOBER = datetime(2026, 10, 14, 9, 30, tzinfo=UTC)


def _in_october(desk: OfficeContext) -> None:
    with desk.store.session() as session:
        session.execute(update(Intake).values(at=OCTOBER))
        session.execute(update(Referral).values(created_at=OCTOBER))
        session.commit()


def _records(desk: OfficeContext) -> list[StatRecord]:
    with desk.store.session() as session:
        return list(session.scalars(select(StatRecord)))


def test_one_record_per_counted_contact_once_the_month_is_over(desk: OfficeContext) -> None:
    agreed = submit_intake(desk.store, desk.system, IntakeRequest(answers(person__birth_year=1960)))
    submit_intake(desk.store, desk.system, IntakeRequest(answers(consent__stats=False)))
    anonymous = {"consent.record": False, "person.category": "mre", "person.sex": "m"}
    anonymous |= {"person.age_band": "60+", "needs": ["pensions_social_security"]}
    submit_intake(desk.store, desk.system, IntakeRequest(anonymous))
    assert agreed.case_id is not None
    with desk.store.unit_of_work(desk.system) as uow:
        service = service_for(desk, "état civil")
        create_referral(uow, NewReferral(agreed.case_id, service, "civil_registration"))
    _in_october(desk)

    early = datetime(2026, 11, 5, tzinfo=UTC)  # October closed, but not 10 days ago
    assert last_closed_month(early) == "2026-09"
    assert make_closed_months(desk.store, desk.office_id, early) == 0
    later = datetime(2026, 11, 12, tzinfo=UTC)
    assert make_closed_months(desk.store, desk.office_id, later) == 2  # not who refused
    assert make_closed_months(desk.store, desk.office_id, later) == 0  # made once

    records = sorted(_records(desk), key=lambda record: record.category)
    assert [record.category for record in records] == ["mre", "rpt"]
    mre, rpt = records
    assert (mre.sex, mre.age_band, mre.nationality, mre.commune) == (
        "m",
        "60+",
        "unknown",
        "unknown",
    )
    assert (rpt.month, rpt.sex, rpt.age_band, rpt.nationality) == ("2026-10", "f", "60+", "SN")
    assert rpt.commune == "09.541.01.11"  # Taliouine, by its HCP code
    assert json.loads(rpt.needs) == ["civil_registration", "health"]
    assert json.loads(rpt.outcomes) == [["civil_registration", "created"]]
    assert all(uuid.UUID(str(record.id)).version == 4 for record in records)  # no time in it


def test_what_the_region_reads_of_a_record_is_its_dimensions(desk: OfficeContext) -> None:
    submit_intake(desk.store, desk.system, IntakeRequest(answers()))
    _in_october(desk)
    make_closed_months(desk.store, desk.office_id, datetime(2026, 12, 1, tzinfo=UTC))
    with desk.store.session() as session:
        sent = session.scalar(
            select(OutboxEnvelope.payload).where(OutboxEnvelope.entity_type == "stat_record")
        )
    assert sent is not None
    clear = json.loads(sent)
    dimensions = {"month", "category", "sex", "age_band", "nationality", "commune"}
    lists = {"needs", "outcomes", "resolutions", "cmsm"}
    assert set(clear) == {"id", "office_id", "version"} | lists | dimensions
    assert set(clear) == set(inventory().record("stat_record").clear_fields.values())
    assert clear["month"] == "2026-10"


LISTENING = "441926c2-546c-5ceb-8fa4-692005963314"
"""The demo directory's listening association, a member of the CMSM."""


def test_a_record_names_its_referrals_to_cmsm_members_and_the_days_to_their_answer(
    desk: OfficeContext,
) -> None:
    saved = submit_intake(desk.store, desk.system, IntakeRequest(answers()))
    assert saved.case_id is not None
    with desk.store.unit_of_work(desk.system) as uow:
        answered = create_referral(
            uow,
            NewReferral(saved.case_id, service_for(desk, "écoute"), "psychosocial_support"),
        )
        create_referral(
            uow, NewReferral(saved.case_id, service_for(desk, "accueil des migrants"), "other")
        )
        create_referral(  # not a member of the CMSM
            uow, NewReferral(saved.case_id, service_for(desk, "état civil"), "civil_registration")
        )
    code = answered.code
    work.set_referral_state(desk, desk.system, code, "sent")
    work.set_referral_state(desk, desk.system, code, "accepted")
    work.set_referral_state(desk, desk.system, code, "done", provided="écoute")
    _in_october(desk)
    with desk.store.session() as session:  # sent on the 14th, accepted on the 17th
        session.execute(update(Referral).values(sent_at=OCTOBER))
        session.execute(update(ReferralEvent).values(at=OCTOBER + timedelta(days=3, hours=2)))
        session.commit()
    make_closed_months(desk.store, desk.office_id, datetime(2026, 12, 1, tzinfo=UTC))
    (record,) = _records(desk)
    welcome = "a21830ca-e068-53b1-95f3-d7955967061c"
    assert json.loads(record.cmsm) == [[LISTENING, "done", 3], [welcome, "created", None]]


def test_an_office_without_intakes_makes_nothing(desk: OfficeContext) -> None:
    assert make_closed_months(desk.store, desk.office_id, datetime.now(UTC)) == 0
    assert _records(desk) == []


def test_a_record_says_which_of_its_needs_were_met_when_the_month_was_made(
    desk: OfficeContext,
) -> None:
    saved = submit_intake(desk.store, desk.system, IntakeRequest(answers()))
    anonymous = {"consent.record": False, "person.category": "mre", "person.sex": "m"}
    anonymous |= {"person.age_band": "60+", "needs": ["health"]}
    submit_intake(desk.store, desk.system, IntakeRequest(anonymous))
    assert saved.case_code
    work.set_need_state(desk, desk.system, saved.case_code, "health", "not_met", "lost_contact")
    work.set_need_state(desk, desk.system, saved.case_code, "civil_registration", "met")
    _in_october(desk)
    make_closed_months(desk.store, desk.office_id, datetime(2026, 12, 1, tzinfo=UTC))
    resolutions = {record.category: json.loads(record.resolutions) for record in _records(desk)}
    assert resolutions == {
        "rpt": [["civil_registration", "met"], ["health", "not_met"]],  # never the reason
        "mre": [],  # an anonymous contact has no case, so no need followed
    }


@pytest.mark.parametrize(
    ("answer", "counted"),
    [
        ("09.581.01.07", "09.581.01.07"),
        ("Tiznit", "09.581.01.07"),  # an intake saved before communes had codes
        ("تيزنيت", "09.581.01.07"),
        ("Marrakech", "other"),  # a commune elsewhere: never its name
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_a_record_counts_the_commune_by_its_hcp_code_or_as_other(
    answer: str | None, counted: str
) -> None:
    saved = Intake(answers=json.dumps({"person.commune": answer}), at=OCTOBER)
    assert dimensions(saved, [], {})["commune"] == counted
