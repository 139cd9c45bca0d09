"""A person's export: everything the office holds about them, nothing about anyone else,
for a supervisor only, audited with its format and never its content."""

from __future__ import annotations

import json
import stat
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from db.models import AuditEntry
from db.uow import Actor
from kiosk.accounts import PermissionDenied
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.cases.persons import PersonError, merge_persons
from kiosk.office import OfficeContext
from kiosk.persons.export import ExportError, export_person
from tests.helpers.intake import answers
from tests.helpers.persons import OTHER_MARKER, TwoPersons, two_persons


@pytest.fixture
def officer(office: OfficeContext) -> Actor:
    return Actor(name="amina", role="officer", office_id=office.office_id)


@pytest.fixture
def supervisor(office: OfficeContext) -> Actor:
    return Actor(name="sara", role="supervisor", office_id=office.office_id)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the exports (the office's folders are in ``tmp_path``)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def made(office: OfficeContext, officer: Actor) -> TwoPersons:
    return two_persons(office, officer)


def _export(office: OfficeContext, actor: Actor, person: str, path: Path, **options: Any) -> Any:
    export_person(office, actor, person, path, **options)
    return json.loads(path.read_text(encoding="utf-8"))


def _exports(office: OfficeContext) -> list[AuditEntry]:
    with office.store.session() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "person.export")))


def test_everything_about_the_person_is_in_it(
    office: OfficeContext, supervisor: Actor, made: TwoPersons, out: Path
) -> None:
    record = _export(office, supervisor, made.person, out / "aminata.json")

    assert (record["format"], record["version"], record["language"]) == (
        "baom.person_export",
        1,
        "ar",  # the person's preferred language
    )
    assert record["office"] == {"name": "BAOM Taliouine", "commune": "Taliouine"}
    person = record["person"]
    assert (person["given_name"], person["given_name_ar"], person["phone"]) == (
        "Aminata",
        "أميناتا",
        "+212698765432",
    )
    assert (person["birth_year"], person["household_size"], person["recorded_by"]) == (
        1990,
        3,
        "amina",
    )
    (case,) = record["cases"]
    assert (case["code"], case["status"], case["opened_by"]) == (made.code, "open", "amina")
    (intake,) = case["intakes"]
    assert (intake["consent_record"], intake["consent_share"], intake["consent_stats"]) == (
        True,
        True,
        True,
    )
    assert intake["answers"]["household.size"] == 3  # the household only as the person gave it
    assert [visit["recorded_by"] for visit in case["visits"]] == ["amina"]
    assert {need["need"]: need["state"] for need in case["needs"]} == {
        "civil_registration": "open",
        "health": "met",
    }
    met = next(need for need in case["needs"] if need["need"] == "health")
    assert [(change["state"], change["by"]) for change in met["changes"]] == [("met", "amina")]
    assert [(note["text"], note["by"]) for note in case["notes"]] == [
        ("Vient avec sa sœur", "amina")
    ]
    assert [step["description"] for step in case["steps"]] == ["Rappeler pour le rendez-vous"]
    (referral,) = case["referrals"]
    assert (referral["code"], referral["state"], referral["recorded_by"]) == (
        made.referral,
        "created",
        "amina",
    )
    assert referral["service"] == "مكتب الحالة المدنية تالوين"  # named in the export's language
    assert [change["state"] for change in referral["changes"]] == ["created"]
    (correction,) = record["corrections"]
    assert (correction["fields"], correction["previous"], correction["reason"]) == (
        ["phone"],
        {"phone": "+212612345678"},
        "nouveau numéro",
    )
    assert correction["by"] == "amina"
    done = {(entry["by"], entry["action"], entry["record"]) for entry in record["history"]}
    assert ("amina", "create", "referral") in done
    assert ("amina", "person_corrected", "person") in done


def test_nothing_about_another_person_is_in_it(
    office: OfficeContext, supervisor: Actor, made: TwoPersons, out: Path
) -> None:
    path = out / "aminata.json"
    export_person(office, supervisor, made.person, path)
    text = path.read_text(encoding="utf-8")
    for theirs in (
        made.other_person,
        made.other_code,
        made.other_referral,
        OTHER_MARKER,
        "Bintou",
        "Camara",
        "677777777",
        "1985",
    ):
        assert theirs not in text
    assert made.service in text  # the same service, through this person's own referral


def test_it_is_audited_with_its_format_and_written_for_its_owner_only(
    office: OfficeContext, supervisor: Actor, made: TwoPersons, out: Path
) -> None:
    export_person(office, supervisor, made.person, out / "a.json", language="fr")

    (entry,) = _exports(office)
    assert (entry.user_name, entry.entity_id, entry.detail) == (
        "sara",
        uuid.UUID(made.person),
        "json",
    )
    assert stat.S_IMODE((out / "a.json").stat().st_mode) == 0o600
    assert [p.name for p in out.iterdir()] == ["a.json"]  # no partial file left


def test_an_officer_may_not_export_a_person(
    office: OfficeContext, officer: Actor, made: TwoPersons, out: Path
) -> None:
    with pytest.raises(PermissionDenied):
        export_person(office, officer, made.person, out / "a.json")
    assert list(out.iterdir()) == [] and _exports(office) == []


@pytest.mark.parametrize(
    ("name", "person", "options", "error", "key"),
    [
        ("a.txt", "mine", {}, ExportError, "error.cases.export_suffix"),
        ("a.json", "nobody", {}, PersonError, "error.cases.no_person"),
        ("a.json", "not-an-id", {}, PersonError, "error.cases.not_a_person"),
        ("a.json", "mine", {"language": "de"}, ExportError, "error.cases.export_language"),
        ("a.pdf", "mine", {}, ExportError, "error.cases.export_no_pdf"),
    ],
)
def test_a_refused_export_says_why_and_writes_nothing(
    office: OfficeContext,
    supervisor: Actor,
    made: TwoPersons,
    out: Path,
    name: str,
    person: str,
    options: dict[str, Any],
    error: type[Exception],
    key: str,
) -> None:
    who = {"mine": made.person, "nobody": str(uuid.uuid4())}.get(person, person)
    with pytest.raises(error) as refused:
        export_person(office, supervisor, who, out / name, **options)
    assert getattr(refused.value, "message_key", None) == key
    assert list(out.iterdir()) == [] and _exports(office) == []


def test_a_pdf_is_drawn_by_the_writer_handed_in(
    office: OfficeContext, supervisor: Actor, made: TwoPersons, out: Path
) -> None:
    drawn: list[dict[str, Any]] = []

    def writer(record: dict[str, Any], path: Path) -> None:
        drawn.append(record)
        path.write_bytes(b"%PDF-1.4 drawn")

    answer = export_person(office, supervisor, made.person, out / "a.pdf", "zgh", pdf_writer=writer)
    assert answer["format"] == "pdf" and drawn[0]["language"] == "zgh"
    assert (out / "a.pdf").read_bytes() == b"%PDF-1.4 drawn"
    assert [entry.detail for entry in _exports(office)] == ["pdf"]


def test_a_record_merged_into_the_person_is_theirs_and_the_merged_id_points_to_it(
    office: OfficeContext, officer: Actor, supervisor: Actor, made: TwoPersons, out: Path
) -> None:
    twin = submit_intake(
        office.store,
        officer,
        IntakeRequest(answers(person__given_name="Aminatou", person__phone="0655555555")),
    )
    assert twin.person_id is not None
    with office.store.unit_of_work(supervisor) as uow:
        merge_persons(uow, uuid.UUID(made.person), twin.person_id)

    record = _export(office, supervisor, made.person, out / "a.json")
    assert [(r["person_id"], r["given_name"]) for r in record["merged_records"]] == [
        (str(twin.person_id), "Aminatou")
    ]
    assert sorted(case["code"] for case in record["cases"]) == sorted(
        [made.code, twin.case_code or ""]
    )
    with pytest.raises(PersonError) as refused:
        export_person(office, supervisor, str(twin.person_id), out / "b.json")
    assert made.person in str(refused.value)
