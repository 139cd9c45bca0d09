"""Finding persons across scripts, phones, years and case codes; duplicates; merging."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.cases import Case, Person
from db.models import AuditEntry
from db.uow import Actor
from kiosk.accounts import PermissionDenied
from kiosk.cases.intake import IntakeRequest, SavedIntake, submit_intake
from kiosk.cases.persons import likely_duplicates, merge_persons, search_persons
from kiosk.office import OfficeContext
from tests.helpers.intake import answers


def _person(office: OfficeContext, given: str, family: str, **changes: object) -> SavedIntake:
    values = answers(person__given_name=given, person__family_name=family, **changes)
    return submit_intake(office.store, office.system, IntakeRequest(values))


def _found(office: OfficeContext, query: str) -> list[tuple[str, str]]:
    with office.store.session() as session:
        return [
            (hit.person["given_name"], hit.person["family_name"])
            for hit in search_persons(session, query)
        ]


@pytest.fixture
def people(office: OfficeContext) -> dict[str, SavedIntake]:
    return {
        "mohamed": _person(
            office, "محمد", "العلوي", person__phone="0661234567", person__birth_year=1958
        ),
        "fatima": _person(office, "Fadma", "Ait Taleb", person__phone="+33 6 12 34 56 78"),
        "ahmed": _person(office, "Ahmed", "Benali", person__phone=None, person__birth_year=1975),
    }


@pytest.mark.parametrize("query", ["Mohamed", "mohammed alaoui", "Muhammad", "moh", "محمد"])
def test_a_name_is_found_whatever_the_script_or_spelling(
    office: OfficeContext, people: dict[str, SavedIntake], query: str
) -> None:
    found = _found(office, query)
    assert found and found[0] == ("محمد", "العلوي")
    assert ("Ahmed", "Benali") not in found


def test_phones_years_and_case_codes_find_the_person(
    office: OfficeContext, people: dict[str, SavedIntake]
) -> None:
    assert _found(office, "06 61 23 45 67") == [("محمد", "العلوي")]
    assert _found(office, "+212661234567") == [("محمد", "العلوي")]
    assert _found(office, "0033612345678") == [("Fadma", "Ait Taleb")]
    assert _found(office, "1975") == [("Ahmed", "Benali")]
    assert _found(office, "Mohamed 1975") == []
    code = people["ahmed"].case_code
    assert code is not None
    assert _found(office, code.lower()) == [("Ahmed", "Benali")]
    assert _found(office, "   ") == []


def test_likely_duplicates_are_shown_before_a_new_person_is_saved(
    office: OfficeContext, people: dict[str, SavedIntake]
) -> None:
    with office.store.session() as session:
        by_name = likely_duplicates(session, "Mohammed", "Alaoui", 1959)
        far_year = likely_duplicates(session, "Mohammed", "Alaoui", 1990)
        by_phone = likely_duplicates(session, "Someone", "Else", None, "+212661234567")
    assert [hit.person["family_name"] for hit in by_name] == ["العلوي"]
    assert far_year == []
    assert [hit.matched for hit in by_phone] == [("phone",)]


def test_a_supervisor_merges_two_persons_and_the_cases_follow(
    office: OfficeContext, people: dict[str, SavedIntake]
) -> None:
    twin = _person(office, "Mohammed", "Alaoui", person__phone=None)
    keep, merged = people["mohamed"].person_id, twin.person_id
    assert keep and merged
    officer = Actor(name="amina", role="officer", office_id=office.office_id)
    with pytest.raises(PermissionDenied), office.store.unit_of_work(officer) as uow:
        merge_persons(uow, keep, merged)
    supervisor = Actor(name="sara", role="supervisor", office_id=office.office_id)
    with office.store.unit_of_work(supervisor) as uow:
        assert merge_persons(uow, keep, merged) == 1
    with office.store.session() as session:
        owners = set(session.scalars(select(Case.person_id)))
        gone = session.get(Person, merged)
        audit = session.scalar(select(AuditEntry).where(AuditEntry.action == "merge"))
    assert merged not in owners and gone is not None and gone.merged_into_id == keep
    assert audit is not None and audit.user_name == "sara" and audit.entity_id == merged
    assert _found(office, "Mohammed Alaoui") == [("محمد", "العلوي")]
    with office.store.unit_of_work(supervisor) as uow, pytest.raises(Exception, match="merged"):
        merge_persons(uow, keep, merged)


def test_a_name_and_a_birth_year_together_narrow_the_search(
    office: OfficeContext, people: dict[str, SavedIntake]
) -> None:
    assert _found(office, "Fatima 1990") == [("Fadma", "Ait Taleb")]
    assert _found(office, "Fatima 1991") == []
    assert _found(office, "Ahmed Benali 1975") == [("Ahmed", "Benali")]


def test_a_person_found_comes_with_the_codes_of_their_cases(
    office: OfficeContext, people: dict[str, SavedIntake]
) -> None:
    with office.store.session() as session:
        (hit,) = search_persons(session, "Ahmed Benali")
    assert [case["code"] for case in hit.person["cases"]] == [people["ahmed"].case_code]
    assert hit.person["cases"][0]["status"] == "open"


def test_a_person_keeps_a_latin_and_an_arabic_name_and_is_found_by_either(
    office: OfficeContext,
) -> None:
    saved = _person(
        office,
        "Mohamed Amine",
        "",
        person__given_name_ar="محمد أمين",
        person__family_name_ar="العلوي",
        person__phone=None,
    )
    with office.store.session() as session:
        person = session.get(Person, saved.person_id)
        assert person is not None
        assert (person.given_name, person.family_name) == ("Mohamed Amine", "")
        assert (person.given_name_ar, person.family_name_ar) == ("محمد أمين", "العلوي")
        by_arabic_family = search_persons(session, "Alaoui")
        by_arabic = search_persons(session, "محمد أمين العلوي")
    for hits in (by_arabic_family, by_arabic):
        assert [hit.person["person_id"] for hit in hits] == [str(saved.person_id)]
        assert hits[0].person["given_name_ar"] == "محمد أمين"
        assert hits[0].person["family_name_ar"] == "العلوي"
    assert by_arabic[0].score == 1.0


def test_a_name_in_arabic_letters_alone_is_enough_and_finds_its_likely_duplicates(
    office: OfficeContext, people: dict[str, SavedIntake]
) -> None:
    saved = _person(office, "", "", person__given_name_ar="أمينة", person__phone=None)
    with office.store.session() as session:
        person = session.get(Person, saved.person_id)
        assert person is not None and person.given_name_ar == "أمينة"
        twins = likely_duplicates(session, "", "", 1959, arabic_name="محمد العلوي")
    assert [hit.person["family_name"] for hit in twins] == ["العلوي"]
