"""Rectifying a person at their request: one field, checked as the intake checks it, the
previous value and the reason kept on the person's corrections timeline, the audit naming
the field only, and the correction sealed for the region like any change."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from db.cases import Person, PersonChange
from db.models import AuditEntry, OutboxEnvelope
from db.uow import Actor
from kiosk.cases import work
from kiosk.cases.intake import IntakeInvalid, IntakeRequest, SavedIntake, submit_intake
from kiosk.cases.persons import PersonError, merge_persons
from kiosk.office import OfficeContext
from kiosk.recovery import office_recovery_key
from protocol.privacy import data_key, open_sealed
from tests.helpers.intake import answers


@pytest.fixture
def saved(office: OfficeContext, officer: Actor) -> SavedIntake:
    return submit_intake(office.store, officer, IntakeRequest(answers()))


def _person(office: OfficeContext, saved: SavedIntake) -> Person:
    with office.store.session() as session:
        person = session.get(Person, saved.person_id)
        assert person is not None
        return person


def _changes(office: OfficeContext) -> list[PersonChange]:
    with office.store.session() as session:
        return list(session.scalars(select(PersonChange)))


def test_the_previous_value_and_the_reason_stay_on_the_timeline_never_in_the_audit(
    office: OfficeContext, officer: Actor, saved: SavedIntake
) -> None:
    answer = work.rectify(
        office, officer, str(saved.person_id), "phone", "06 98 76 54 32", "nouveau numéro"
    )

    assert answer == {"person_id": str(saved.person_id), "field": "phone", "changed": True}
    assert _person(office, saved).phone == "+212698765432"  # normalised as the intake does
    (change,) = _changes(office)
    assert (change.fields, json.loads(change.previous), change.reason, change.author) == (
        "phone",
        {"phone": "+212612345678"},
        "nouveau numéro",
        "amina",
    )
    with office.store.session() as session:
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "person_corrected")
        ).one()
    assert (audit.user_name, audit.entity_id, audit.detail) == ("amina", saved.person_id, "phone")


def test_the_correction_travels_to_the_region_sealed(
    office: OfficeContext, officer: Actor, saved: SavedIntake
) -> None:
    work.rectify(office, officer, str(saved.person_id), "family_name", "Dialo", "faute de frappe")

    key = data_key(office_recovery_key(office.store))
    with office.store.session() as session:
        envelopes = {
            envelope.entity_type: envelope
            for envelope in session.scalars(
                select(OutboxEnvelope).where(
                    OutboxEnvelope.entity_type.in_(["person", "person_change"])
                )
            )
        }
        person = session.scalars(
            select(OutboxEnvelope)
            .where(OutboxEnvelope.entity_type == "person")
            .order_by(OutboxEnvelope.version.desc())
        ).first()
    assert person is not None and person.version == 2
    change = envelopes["person_change"]
    for envelope in (person, change):
        assert "Dialo" not in envelope.payload and "Diallo" not in envelope.payload
        assert set(json.loads(envelope.payload)) == {"id", "office_id", "version"}
    assert open_sealed(key, "person", person.entity_id, 2, person.sealed)["family_name"] == "Dialo"
    sealed = open_sealed(key, "person_change", change.entity_id, 1, change.sealed)
    assert json.loads(sealed["previous"]) == {"family_name": "Diallo"}


@pytest.mark.parametrize(
    ("field", "value", "language", "message"),
    [
        ("birth_year", "1850", "fr", "Année de naissance : doit être entre 1900 et"),
        ("birth_year", "1850", "ar", "سنة الازدياد: يجب أن تكون بين 1900 و"),
        ("phone", "12", "fr", "Téléphone :"),
        ("sex", "x", "en", "Sex:"),
        ("nationality", "ZZ", "fr", "Nationalité :"),
        ("household_size", "40", "fr", "Personnes dans le foyer :"),
        ("given_name", "A\u202eB", "fr", "caractères invisibles"),
        ("phone", " ", "fr", "Téléphone : donnez la nouvelle valeur : une correction n'efface"),
        ("given_name", "", "ar", "لا يمحو"),
        ("merged_into_id", "x", "fr", "champ inconnu de ce formulaire (given_name,"),
    ],
)
def test_a_wrong_value_is_refused_naming_the_field_and_nothing_changes(
    office: OfficeContext,
    officer: Actor,
    saved: SavedIntake,
    field: str,
    value: str,
    language: str,
    message: str,
) -> None:
    with pytest.raises(IntakeInvalid) as refused:
        work.rectify(office, officer, str(saved.person_id), field, value, "raison", language)
    (error,) = refused.value.errors
    assert error.field == field and message in error.message
    assert _changes(office) == []
    assert _person(office, saved).version == 1


@pytest.mark.parametrize(
    ("reason", "key"),
    [("  ", "rectify_reason"), ("x" * 201, "too_long"), ("a\u202eb", "hidden_characters")],
)
def test_a_correction_needs_a_short_readable_reason(
    office: OfficeContext, officer: Actor, saved: SavedIntake, reason: str, key: str
) -> None:
    with pytest.raises(PersonError) as refused:
        work.rectify(office, officer, str(saved.person_id), "phone", "0698765432", reason)
    assert refused.value.message_key == f"error.cases.{key}"
    assert _changes(office) == []


def test_the_same_value_changes_nothing(
    office: OfficeContext, officer: Actor, saved: SavedIntake
) -> None:
    answer = work.rectify(office, officer, str(saved.person_id), "phone", "0612345678", "vérifié")
    assert answer["changed"] is False and _changes(office) == []


def test_the_person_is_found_by_the_corrected_name(
    office: OfficeContext, officer: Actor, saved: SavedIntake
) -> None:
    work.rectify(office, officer, str(saved.person_id), "given_name_ar", "أميناتا", "à sa demande")
    assert [hit["person_id"] for hit in work.find_people(office, "أميناتا")] == [
        str(saved.person_id)
    ]


def test_an_unknown_or_merged_person_is_refused(
    office: OfficeContext, officer: Actor, supervisor: Actor, saved: SavedIntake
) -> None:
    with pytest.raises(PersonError) as refused:
        work.rectify(office, officer, str(uuid.uuid4()), "phone", "0698765432", "raison")
    assert refused.value.message_key == "error.cases.no_person"
    twin = submit_intake(office.store, officer, IntakeRequest(answers(person__given_name="Amina")))
    assert saved.person_id and twin.person_id
    with office.store.unit_of_work(supervisor) as uow:
        merge_persons(uow, saved.person_id, twin.person_id)
    with pytest.raises(PersonError) as refused:
        work.rectify(office, officer, str(twin.person_id), "phone", "0698765432", "raison")
    assert refused.value.message_key == "error.cases.person_merged"
    assert str(saved.person_id) in str(refused.value)
