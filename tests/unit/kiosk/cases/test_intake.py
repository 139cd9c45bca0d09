"""Saving an intake: person, case, visit, needs and intake in one transaction, or nothing."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from db.cases import Case, CaseEntry, CaseNeed, Intake, Person, PersonKey, Visit
from db.models import AuditEntry, OutboxEnvelope
from kiosk.cases.intake import IntakeInvalid, IntakeRequest, submit_intake
from kiosk.forms import load_form
from kiosk.office import OfficeContext
from kiosk.queue.service import QueueService, TicketRequest
from tests.helpers.intake import answers

SAVED_TABLES = (Person, Case, Visit, CaseNeed, Intake, CaseEntry)


def _counts(office: OfficeContext) -> dict[str, int]:
    with office.store.session() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (*SAVED_TABLES, OutboxEnvelope)
        }


def test_an_intake_saves_the_person_a_case_a_visit_and_the_needs(office: OfficeContext) -> None:
    ticket = QueueService.for_office(office).take(
        office.system, TicketRequest("civil_registration")
    )
    request = IntakeRequest(
        answers(notes="Vient pour l'acte de naissance"), ticket_id=ticket.ticket.id
    )
    saved = submit_intake(office.store, office.system, request)

    assert saved.case_code is not None and re.fullmatch(r"C-[2-9A-Z]{6}", saved.case_code)
    with office.store.session() as session:
        person = session.get(Person, saved.person_id)
        assert person is not None
        assert (person.given_name, person.phone, person.birth_year) == (
            "Aminata",
            "+212612345678",
            1990,
        )
        case = session.get(Case, saved.case_id)
        assert case is not None and case.person_id == person.id
        visit = session.scalar(select(Visit).where(Visit.case_id == case.id))
        assert visit is not None and visit.ticket_id == ticket.ticket.id
        needs = set(session.scalars(select(CaseNeed.need_key).where(CaseNeed.case_id == case.id)))
        assert needs == {"civil_registration", "health"}
        intake = session.get(Intake, saved.intake_id)
        assert intake is not None
        assert intake.form_version == load_form("intake").version
        assert (intake.consent_record, intake.consent_share) == (True, True)
        stored = json.loads(intake.answers)
        assert "notes" not in stored and stored["person.given_name"] == "Aminata"
        note = session.scalar(select(CaseEntry.text).where(CaseEntry.case_id == case.id))
        assert note == "Vient pour l'acte de naissance"
        assert session.scalars(select(PersonKey.key).where(PersonKey.person_id == person.id)).all()
        synced = set(session.scalars(select(OutboxEnvelope.entity_type)))
        assert {"person", "case", "visit", "case_need", "intake", "case_entry"} <= synced
        audited = set(session.scalars(select(AuditEntry.entity_type)))
        assert {"person", "case", "intake"} <= audited


def test_invalid_answers_name_their_fields_in_the_asked_language_and_save_nothing(
    office: OfficeContext,
) -> None:
    before = _counts(office)
    bad = answers(person__birth_year=1850, person__phone="12", needs=[])
    with pytest.raises(IntakeInvalid) as refused:
        submit_intake(office.store, office.system, IntakeRequest(bad, language="ar"))
    fields = {error.field for error in refused.value.errors}
    assert {"person.birth_year", "person.phone", "needs"} <= fields
    message = next(e.message for e in refused.value.errors if e.field == "person.birth_year")
    assert re.search("[\u0600-\u06ff]", message), message
    assert _counts(office) == before


def test_a_refused_record_keeps_only_an_anonymous_statistical_contact(
    office: OfficeContext,
) -> None:
    anonymous = {
        "consent.record": False,
        "person.category": "mre",
        "person.sex": "m",
        "person.age_band": "60+",
        "needs": ["pensions_social_security"],
        "person.given_name": "Brahim",  # typed before the refusal: must not be kept
    }
    saved = submit_intake(office.store, office.system, IntakeRequest(anonymous))
    assert (saved.case_id, saved.person_id) == (None, None)
    counts = _counts(office)
    assert counts["person"] == counts["case"] == 0
    with office.store.session() as session:
        intake = session.scalar(select(Intake))
        assert intake is not None and intake.case_id is None and not intake.consent_record
        stored = json.loads(intake.answers)
    assert "person.given_name" not in stored
    assert stored["person.age_band"] == "60+"


def test_a_known_person_comes_back_to_the_same_open_case(office: OfficeContext) -> None:
    first = submit_intake(office.store, office.system, IntakeRequest(answers()))
    again = IntakeRequest(answers(needs=["housing"]), person_id=first.person_id)
    second = submit_intake(office.store, office.system, again)
    assert (second.case_id, second.person_id) == (first.case_id, first.person_id)
    with office.store.session() as session:
        visits = session.scalar(select(func.count()).where(Visit.case_id == first.case_id))
        needs = set(session.scalars(select(CaseNeed.need_key)))
    assert visits == 2
    assert needs == {"civil_registration", "health", "housing"}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
KEYS = st.sampled_from(
    [field.key for section in load_form("intake").sections for field in section.fields]
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=st.dictionaries(KEYS | st.text(max_size=12), JSON_VALUES, max_size=6))
def test_fuzzed_answers_give_field_errors_or_a_whole_save_never_a_crash(
    office: OfficeContext, changes: dict[str, Any]
) -> None:
    before = _counts(office)
    try:
        saved = submit_intake(office.store, office.system, IntakeRequest({**answers(), **changes}))
    except IntakeInvalid as invalid:
        named = set(changes) | set(load_form("intake").keys)
        assert invalid.errors
        assert all(error.message and error.field in named for error in invalid.errors)
        assert _counts(office) == before
    else:
        after = _counts(office)
        assert after["intake"] == before["intake"] + 1
        assert (saved.person_id is None) == (after["person"] == before["person"])
