"""Two persons served by one office, for the tests of a person's export and corrections.

Aminata (Arabic speaker) and Bintou are both referred to the same civil registration
service; each case has its own note, and Bintou's holds a marker that must never appear in
Aminata's export. ``visits`` adds visits to Aminata's case (the benchmark asks for 50).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from db.cases import Visit
from db.directory import Service
from db.uow import Actor
from kiosk.cases import work
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.directory.importer import import_directory
from kiosk.directory_cli import demo_directory
from kiosk.office import OfficeContext
from tests.helpers.intake import answers

OTHER_MARKER = "BINTOU-NOTE-7Q"
"""Free text written only on the other person's case."""


@dataclass(frozen=True)
class TwoPersons:
    """The ids and codes of what was made."""

    person: str
    case: str
    code: str
    referral: str
    service: str
    other_person: str
    other_code: str
    other_referral: str


def civil_registration_service(office: OfficeContext) -> str:
    """The id of the demo civil registration office of Taliouine."""
    with office.store.session() as session:
        found = session.scalar(select(Service.id).where(Service.name.contains("état civil")))
    assert found is not None
    return str(found)


def two_persons(office: OfficeContext, officer: Actor, visits: int = 1) -> TwoPersons:
    """Aminata and Bintou, each with a case, a note and a referral to the same service;
    Aminata's phone corrected once, one need met, a step planned, ``visits`` visits."""
    import_directory(office.store, office.system, demo_directory())
    service = civil_registration_service(office)
    mine = submit_intake(
        office.store,
        officer,
        IntakeRequest(
            answers(
                person__given_name_ar="أميناتا",
                person__family_name_ar="ديالو",
                person__language="ar",
                notes="Vient avec sa sœur",
            )
        ),
    )
    other = submit_intake(
        office.store,
        officer,
        IntakeRequest(
            answers(
                person__given_name="Bintou",
                person__family_name="Camara",
                person__phone="0677777777",
                person__birth_year=1985,
                notes=OTHER_MARKER,
            )
        ),
    )
    assert mine.case_id and other.case_id and mine.person_id and other.person_id
    referral = work.make_referral(
        office, officer, str(mine.case_id), service, "civil_registration", "normal"
    )
    other_referral = work.make_referral(
        office, officer, str(other.case_id), service, "civil_registration", "urgent"
    )
    work.write_step(
        office, officer, str(mine.case_id), "Rappeler pour le rendez-vous", date(2026, 12, 20)
    )
    work.set_need_state(office, officer, str(mine.case_id), "health", "met")
    work.rectify(office, officer, str(mine.person_id), "phone", "0698765432", "nouveau numéro")
    if visits > 1:
        with office.store.unit_of_work(officer) as uow:
            for _ in range(visits - 1):
                uow.add(Visit(case_id=mine.case_id, officer_id=officer.user_id))
    return TwoPersons(
        person=str(mine.person_id),
        case=str(mine.case_id),
        code=mine.case_code or "",
        referral=referral,
        service=service,
        other_person=str(other.person_id),
        other_code=other.case_code or "",
        other_referral=other_referral,
    )
