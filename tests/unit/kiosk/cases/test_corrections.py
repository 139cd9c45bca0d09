"""A known person is never overwritten silently: only the fields named change, and each
correction is one event on the person's timeline, audited without the values."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from db.cases import Intake, Person, PersonChange
from db.models import AuditEntry
from db.uow import Actor
from kiosk.cases import work
from kiosk.cases.intake import IntakeInvalid, IntakeRequest, SavedIntake, submit_intake
from kiosk.cases.persons import merge_persons
from kiosk.office import OfficeContext
from tests.helpers.intake import answers

NEW_VISIT = answers(
    person__given_name="Aminatou",
    person__given_name_ar="أميناتا",
    person__phone="0700000000",
    person__family_name=None,
    needs=["housing"],
)


def _first(office: OfficeContext, officer: Actor) -> SavedIntake:
    return submit_intake(office.store, officer, IntakeRequest(answers()))


def _again(
    office: OfficeContext, actor: Actor, person_id: uuid.UUID | None, *update: str
) -> SavedIntake:
    request = IntakeRequest(NEW_VISIT, person_id=person_id, update=frozenset(update))
    return submit_intake(office.store, actor, request)


def _person(office: OfficeContext, person_id: uuid.UUID | None) -> Person:
    with office.store.session() as session:
        person = session.get(Person, person_id)
        assert person is not None
        return person


def test_a_known_person_keeps_every_value_the_intake_does_not_name(
    office: OfficeContext, officer: Actor
) -> None:
    first = _first(office, officer)
    again = _again(office, officer, first.person_id)

    person = _person(office, first.person_id)
    assert (person.given_name, person.family_name) == ("Aminata", "Diallo")
    assert (person.given_name_ar, person.phone) == ("", "+212612345678")
    assert again.as_json()["updated"] == []
    assert again.as_json()["kept"] == ["given_name", "given_name_ar", "phone"]
    with office.store.session() as session:
        assert session.scalars(select(PersonChange)).all() == []
        stored = json.loads(session.get(Intake, again.intake_id).answers)  # type: ignore[union-attr]
    assert (stored["person.given_name"], stored["person.phone"]) == ("Aminata", "+212612345678")
    assert "person.given_name_ar" not in stored


def test_only_the_fields_named_change_and_an_empty_answer_never_erases(
    office: OfficeContext, officer: Actor
) -> None:
    first = _first(office, officer)
    again = _again(office, officer, first.person_id, "phone", "given_name_ar", "family_name")

    person = _person(office, first.person_id)
    assert (person.given_name, person.family_name) == ("Aminata", "Diallo")
    assert (person.given_name_ar, person.phone) == ("أميناتا", "+212700000000")
    assert again.as_json()["updated"] == ["given_name_ar", "phone"]
    assert again.as_json()["kept"] == ["given_name"]


def test_each_correction_is_one_event_on_the_timeline_audited_without_the_values(
    office: OfficeContext, officer: Actor
) -> None:
    first = _first(office, officer)
    _again(office, officer, first.person_id, "phone", "given_name_ar")

    with office.store.session() as session:
        (change,) = session.scalars(select(PersonChange)).all()
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "person_corrected")
        ).all()
    assert (change.person_id, change.fields, change.author) == (
        first.person_id,
        "given_name_ar phone",
        "amina",
    )
    assert [(entry.entity_id, entry.user_name) for entry in audit] == [(first.person_id, "amina")]
    assert audit[0].detail == "given_name_ar phone"
    for value in ("أميناتا", "0700000000", "+212", "Aminata"):
        assert value not in audit[0].detail
    case = work.read_case(office, str(first.case_id))
    corrected = [item for item in case["timeline"] if item["kind"] == "person_corrected"]
    assert corrected == [
        {
            "at": change.at.isoformat(),
            "kind": "person_corrected",
            "text": "",
            "fields": ["given_name_ar", "phone"],
            "reason": "",
            "author": "amina",
        }
    ]


def test_a_field_that_is_not_the_persons_cannot_be_updated(
    office: OfficeContext, officer: Actor
) -> None:
    first = _first(office, officer)
    with pytest.raises(IntakeInvalid) as refused:
        _again(office, officer, first.person_id, "needs")
    assert [error.field for error in refused.value.errors] == ["update"]


def test_a_new_person_takes_every_answer(office: OfficeContext, officer: Actor) -> None:
    saved = _again(office, officer, None)
    person = _person(office, saved.person_id)
    assert (person.given_name, person.given_name_ar, person.phone) == (
        "Aminatou",
        "أميناتا",
        "+212700000000",
    )
    with office.store.session() as session:
        assert session.scalars(select(PersonChange)).all() == []


def test_a_merge_completes_the_kept_person_as_one_correction(
    office: OfficeContext, officer: Actor, supervisor: Actor
) -> None:
    kept = _first(office, officer)
    twin = submit_intake(
        office.store,
        officer,
        IntakeRequest(
            answers(
                person__given_name=None,
                person__family_name=None,
                person__given_name_ar="أميناتا",
                person__family_name_ar="ديالو",
                person__phone=None,
            )
        ),
    )
    assert kept.person_id and twin.person_id
    with office.store.unit_of_work(supervisor) as uow:
        merge_persons(uow, kept.person_id, twin.person_id)

    person = _person(office, kept.person_id)
    assert (person.given_name_ar, person.family_name_ar) == ("أميناتا", "ديالو")
    assert (person.given_name, person.phone) == ("Aminata", "+212612345678")
    with office.store.session() as session:
        (change,) = session.scalars(select(PersonChange)).all()
    assert (change.fields, change.author) == ("given_name_ar family_name_ar", "sara")
    found = work.find_people(office, "ديالو")
    assert [hit["person_id"] for hit in found] == [str(kept.person_id)]
