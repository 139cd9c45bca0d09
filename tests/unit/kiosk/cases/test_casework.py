"""What the officer writes on a case, the follow-up lists and the case's timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.base import new_id, utcnow
from db.cases import CaseEntryKind
from kiosk.cases.casework import (
    CaseError,
    add_entry,
    add_step,
    close_case,
    complete_step,
    find_case,
)
from kiosk.cases.drafts import discard_draft, load_draft, save_draft
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.cases.views import case_detail, follow_up, list_cases
from kiosk.clock import office_day
from kiosk.office import OfficeContext
from tests.helpers.intake import answers


def test_notes_steps_and_closing_show_on_the_timeline_in_order(office: OfficeContext) -> None:
    saved = submit_intake(office.store, office.system, IntakeRequest(answers()))
    assert saved.case_code
    today = office_day(utcnow())
    with office.store.unit_of_work(office.system) as uow:
        case = find_case(uow.session, saved.case_code)
        add_entry(uow, case, CaseEntryKind.INFORMATION, "Liste des pièces pour l'acte de naissance")
        with pytest.raises(CaseError, match="at most 500"):
            add_entry(uow, case, CaseEntryKind.NOTE, "x" * 501)
        step = add_step(uow, case, "Rappeler pour le rendez-vous", today)
        late = add_step(uow, case, "Vérifier le dossier CNSS", today - timedelta(days=3))
        later = add_step(uow, case, "Suivi dans un mois", today + timedelta(days=30))
        step_ids = (step.id, late.id, later.id)
    with office.store.session() as session:
        lists = follow_up(session, utcnow())
    assert [(s["description"], s["overdue"]) for s in lists["steps"]] == [
        ("Vérifier le dossier CNSS", True),
        ("Rappeler pour le rendez-vous", False),
    ]
    with office.store.unit_of_work(office.system) as uow:
        complete_step(uow, step_ids[1])
        close_case(uow, find_case(uow.session, saved.case_code), "need_met")
        with pytest.raises(CaseError, match="closed"):
            add_step(uow, find_case(uow.session, saved.case_code), "encore", today)
    with office.store.session() as session:
        case = find_case(session, saved.case_code)
        detail = case_detail(session, case, "https://r.example", utcnow())
        remaining = follow_up(session, utcnow())["steps"]
        open_cases = list_cases(session, open_only=True)
    kinds = [item["kind"] for item in detail["timeline"]]
    assert kinds[0] == "opened" and kinds[-1] == "closed"
    assert {"visit", "intake", "information", "step_done"} <= set(kinds)
    assert [item["at"] for item in detail["timeline"]] == sorted(
        i["at"] for i in detail["timeline"]
    )
    assert detail["status"] == "closed" and detail["person"]["given_name"] == "Aminata"
    assert [s["description"] for s in remaining] == ["Rappeler pour le rendez-vous"]
    assert open_cases == []


def test_a_case_is_found_by_code_as_typed_and_unknown_codes_are_plain_errors(
    office: OfficeContext,
) -> None:
    saved = submit_intake(office.store, office.system, IntakeRequest(answers()))
    assert saved.case_code
    with office.store.session() as session:
        assert find_case(session, saved.case_code.lower().replace("-", "")).id == saved.case_id
        with pytest.raises(CaseError, match="no case"):
            find_case(session, "C-222222")
        with pytest.raises(CaseError, match="neither a case code"):
            find_case(session, "hello?")


def test_drafts_keep_the_answers_as_typed_until_discarded(office: OfficeContext) -> None:
    draft_id = new_id()
    typed = {"consent.record": True, "person.given_name": "Yous", "person.birth_year": "19"}
    save_draft(office.store, draft_id, typed, step=1)
    save_draft(office.store, draft_id, {**typed, "person.given_name": "Youssef"}, step=2)
    draft = load_draft(office.store, draft_id)
    assert draft is not None and draft.step == 2
    assert (
        draft.answers["person.given_name"] == "Youssef"
        and draft.answers["person.birth_year"] == "19"
    )
    with office.store.session() as session:
        listed = follow_up(session, utcnow())["drafts"]
    assert [(d["draft_id"], d["name"]) for d in listed] == [(str(draft_id), "Youssef")]
    discard_draft(office.store, draft_id)
    assert load_draft(office.store, draft_id) is None


@pytest.mark.parametrize("hidden", ["\x00", "\x1b", "\u202e", "\u2067", "\u200f"])
def test_notes_and_steps_with_control_or_direction_characters_are_refused(
    office: OfficeContext, hidden: str
) -> None:
    saved = submit_intake(office.store, office.system, IntakeRequest(answers()))
    assert saved.case_code
    with office.store.unit_of_work(office.system) as uow:
        case = find_case(uow.session, saved.case_code)
        with pytest.raises(CaseError, match="invisible") as raised:
            add_entry(uow, case, CaseEntryKind.NOTE, f"Appel{hidden} reçu")
        assert raised.value.message_key == "error.cases.hidden_characters"
        with pytest.raises(CaseError, match="invisible"):
            add_step(uow, case, f"Rappeler{hidden}", office_day(utcnow()))
        add_entry(uow, case, CaseEntryKind.NOTE, "Appel\treçu\n")  # whitespace is folded


@pytest.mark.parametrize("open_only", [False, True])
def test_the_case_list_walks_the_opening_order_never_every_person(
    office: OfficeContext, open_only: bool
) -> None:
    """Joined outright, SQLite's planner read every person and sorted all their cases to
    list fifty (a third of a second among 200,000); the page's cases are chosen in their
    opening order first."""
    from sqlalchemy import insert, text
    from sqlalchemy.dialects import sqlite

    from db.cases import Case, Person
    from kiosk.cases.views import cases_page

    now = utcnow()
    people = [
        {"id": new_id(), "office_id": office.office_id, "given_name": "A", "family_name": "B"}
        for _ in range(2000)
    ]
    cases = [
        {
            "id": new_id(),
            "office_id": office.office_id,
            "code": f"C-{number:06d}",
            "person_id": person["id"],
            "opened_at": now - timedelta(minutes=number),
        }
        for number, person in enumerate(people)
    ]
    with office.store.session() as session, session.begin():
        session.execute(insert(Person), people)
        session.execute(insert(Case), cases)
    statement = cases_page(open_only)
    sql = str(statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    with office.store.session() as session:
        plan = [row[3] for row in session.execute(text("EXPLAIN QUERY PLAN " + sql))]
        assert not any(step.startswith("SCAN person") for step in plan), plan
        assert any("opened_at" in step for step in plan), plan
        page = list_cases(session, open_only=open_only)
    assert [row["code"] for row in page] == [f"C-{n:06d}" for n in range(50)]


def test_the_store_keeps_no_sample_of_its_indexes(office: OfficeContext) -> None:
    """SQLCipher's SQLite keeps samples of index keys (phones, names) in ``sqlite_stat4``
    when statistics are gathered (ANALYZE, ``PRAGMA optimize``): a copy that an erasure
    would leave behind. The store never gathers them, at creation or when it reopens."""
    from sqlalchemy import text

    from kiosk.office import open_store

    submit_intake(office.store, office.system, IntakeRequest(answers()))
    store, _ = open_store(office.paths)
    with store.session() as session:
        names = set(session.scalars(text("SELECT name FROM sqlite_master")))
    store.engine.dispose()
    assert not {name for name in names if name.startswith("sqlite_stat")}
