"""Who read what: reads of personal data are audited in the core (never with what was
searched), and ``baom audit list|verify|export`` show the trail by person, user, day and
action."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from db.models import AuditEntry
from kiosk.accounts import PermissionDenied
from kiosk.audit import (
    CASE_READ,
    PERSON_READ,
    PERSON_SEARCH,
    AuditFilter,
    AuditQueryError,
    export_entries,
    list_entries,
)
from kiosk.cases import work
from kiosk.cases.intake import (
    IntakeRequest,
    SavedIntake,
    find_duplicates,
    person_answers,
    submit_intake,
)
from kiosk.clock import office_today
from kiosk.forms import load_form
from kiosk.office import OfficeContext
from tests.conftest import OFFICER
from tests.helpers.intake import answers
from tests.helpers.sync_office import baom

pytestmark = pytest.mark.usefixtures("command_account")


def _intake(office: OfficeContext, **changes: Any) -> SavedIntake:
    return submit_intake(office.store, office.system, IntakeRequest(answers(**changes)))


def _all(office: OfficeContext) -> list[AuditEntry]:
    with office.store.session() as session:
        return list(session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq)))


def _dump(office: OfficeContext) -> str:
    return json.dumps(
        [[e.action, e.entity_type, str(e.entity_id), e.detail, e.user_name] for e in _all(office)]
    )


def test_opening_a_case_is_audited_once_and_a_plain_read_is_not(office: OfficeContext) -> None:
    saved = _intake(office)
    before = len(_all(office))

    work.read_case(office, str(saved.case_code))
    assert len(_all(office)) == before

    work.read_case(office, str(saved.case_code), reader=office.system)
    entry = _all(office)[-1]
    assert (entry.action, entry.entity_type, entry.entity_id) == (CASE_READ, "case", saved.case_id)
    assert len(_all(office)) == before + 1


def test_a_search_is_audited_with_its_count_and_never_its_words(office: OfficeContext) -> None:
    _intake(office)
    _intake(office, person__given_name="Moussa", person__phone="0698765432")

    baom(office.paths.data_dir, "person", "search", "Diallo", "--json")
    form = load_form("intake")
    find_duplicates(office, form, answers(person__given_name="Aminata"), office.system)

    searches = [entry for entry in _all(office) if entry.action == PERSON_SEARCH]
    assert [entry.detail for entry in searches] == ["results=2", "results=1"]
    trail = _dump(office)
    for word in ("Diallo", "Aminata", "Moussa", "0612345678"):
        assert word not in trail


def test_prefilling_a_known_person_is_a_person_read(office: OfficeContext) -> None:
    saved = _intake(office)
    person_answers(office, str(saved.person_id), office.system)
    entry = _all(office)[-1]
    assert (entry.action, entry.entity_id) == (PERSON_READ, saved.person_id)


def test_the_list_filters_by_person_user_day_and_action(office: OfficeContext) -> None:
    first = _intake(office)
    other = _intake(office, person__given_name="Moussa", person__phone="0698765432")
    work.read_case(office, str(first.case_code), reader=office.system)
    work.write_entry(office, office.system, str(first.case_code), "note", "appel prévu")
    work.read_case(office, str(other.case_code), reader=office.system)

    mine = list_entries(office, office.system, AuditFilter(person=str(first.person_id)))
    ids = {row["entity_id"] for row in mine}
    assert str(first.case_id) in ids and str(first.person_id) in ids
    assert str(other.case_id) not in ids and str(other.person_id) not in ids
    assert {"case_entry", "intake", "visit", "case_need"} <= {row["entity_type"] for row in mine}
    by_code = list_entries(office, office.system, AuditFilter(person=str(first.case_code)))
    assert by_code == mine

    reads = list_entries(office, office.system, AuditFilter(action=CASE_READ))
    assert [row["entity_id"] for row in reads] == [str(other.case_id), str(first.case_id)]
    assert list_entries(office, office.system, AuditFilter(user="nobody")) == []
    assert len(list_entries(office, office.system, AuditFilter(user="system"))) == len(_all(office))
    today = office_today()
    assert len(list_entries(office, office.system, AuditFilter(day=today))) == len(_all(office))
    assert list_entries(office, office.system, AuditFilter(day=today - timedelta(days=1))) == []
    with pytest.raises(AuditQueryError, match="person: no person or case 'C-ZZZZZZ'"):
        list_entries(office, office.system, AuditFilter(person="C-ZZZZZZ"))


def test_the_command_lists_as_json_and_as_a_table(office: OfficeContext) -> None:
    saved = _intake(office)
    baom(office.paths.data_dir, "case", "show", str(saved.case_code), "--json")

    listed = json.loads(
        baom(office.paths.data_dir, "audit", "list", "--action", CASE_READ, "--json").stdout
    )
    assert [(row["action"], row["entity_id"]) for row in listed] == [
        (CASE_READ, str(saved.case_id))
    ]
    table = baom(office.paths.data_dir, "audit", "list", "--person", str(saved.case_code)).stdout
    assert table.splitlines()[0].split()[:4] == ["seq", "at", "(UTC)", "user"]
    assert CASE_READ in table
    refused = baom(office.paths.data_dir, "audit", "list", "--person", "nobody", check=False)
    assert refused.returncode != 0
    assert refused.stderr.strip() == "baom: person: no person or case 'nobody'"


def test_verify_says_intact_or_names_the_broken_entry(office: OfficeContext) -> None:
    intact = baom(office.paths.data_dir, "audit", "verify")
    assert intact.returncode == 0 and intact.stdout.startswith("the audit trail is intact")
    with office.store.engine.begin() as connection:
        connection.execute(sa.text("DROP TRIGGER audit_entry_no_update"))
        connection.execute(sa.text("UPDATE audit_entry SET action = 'x' WHERE seq = 2"))
    broken = baom(office.paths.data_dir, "audit", "verify", "--json", check=False)
    assert broken.returncode == 1
    answer = json.loads(broken.stdout)
    assert (answer["intact"], answer["broken_seq"], answer["entries"]) == (False, 2, 1)


def test_the_export_for_an_inspection_is_a_csv_of_the_days_asked(
    office: OfficeContext, tmp_path: Path
) -> None:
    saved = _intake(office)
    work.read_case(office, str(saved.case_code), reader=office.system)
    with office.store.unit_of_work(office.system) as uow:
        uow.add(AuditEntry(user_name="old", action="login", at=datetime(2025, 1, 5, tzinfo=UTC)))
    target = tmp_path / "inspection.csv"

    answer = json.loads(
        baom(
            office.paths.data_dir,
            "audit",
            "export",
            "--out",
            str(target),
            "--since",
            (office_today() - timedelta(days=1)).isoformat(),
            "--json",
        ).stdout
    )

    with target.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert answer == {"entries": len(rows), "out": str(target)}
    assert rows and "old" not in {row["user_name"] for row in rows}
    assert [int(row["seq"]) for row in rows] == sorted(int(row["seq"]) for row in rows)
    assert list(rows[0]) == ["seq", "day", "at", "user_name", "action", "entity_type",
                             "entity_id", "detail"]  # fmt: skip
    assert CASE_READ in {row["action"] for row in rows}
    everything = export_entries(
        office, office.system, AuditFilter(until=date(2025, 1, 5)), tmp_path / "o.csv"
    )
    assert everything == 1
    with pytest.raises(AuditQueryError, match="exists already"):
        export_entries(office, office.system, AuditFilter(), target)
    assert not list(tmp_path.glob("*.part"))  # nothing half written left


def test_an_officer_may_not_read_the_audit(office: OfficeContext, tmp_path: Path) -> None:
    amina = office.accounts.login(*OFFICER)[0]
    with pytest.raises(PermissionDenied):
        list_entries(office, amina, AuditFilter())
    with pytest.raises(PermissionDenied):
        export_entries(office, amina, AuditFilter(), tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()
