"""A second PC joins an office that has two counters (``office code --add-machine``).

A real server process (SQLite). Office A saves intakes and syncs; a second PC joins with
an add-machine code and the recovery words, exactly like a restore, and has A's records.
From then on each PC gets the other's records at its next round; a person both changed
at once ends the same on both, with a ``concurrent_edit`` conflict on the PC whose version
lost; the tickets each PC takes stay on it.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from db.cases import Person
from db.models import AuditEntry, Role, Ticket
from db.sync import SyncConflict
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.office import open_office
from kiosk.paths import Paths
from tests.e2e.test_restore import restore
from tests.helpers import regional
from tests.helpers.intake import answers
from tests.helpers.sync_office import ACCOUNT, baom, baom_json

pytestmark = pytest.mark.slow
PASSWORD = "demo-password-1"


def _intake(data_dir: Path, given: str, family: str) -> uuid.UUID:
    """Save one intake as the officer ``amina``; returns the person's id."""
    context = open_office(Paths.resolve(data_dir))
    try:
        officer, _ = context.accounts.login("amina", PASSWORD)
        values = answers(person__given_name=given, person__family_name=family)
        saved = submit_intake(context.store, officer, IntakeRequest(values))
        assert saved.person_id is not None
        return saved.person_id
    finally:
        context.close()


def _set_birth_year(data_dir: Path, person_id: uuid.UUID, year: int) -> None:
    context = open_office(Paths.resolve(data_dir))
    try:
        with context.store.unit_of_work(context.system) as uow:
            person = uow.session.get(Person, person_id)
            assert person is not None
            person.birth_year = year
    finally:
        context.close()


def _read(data_dir: Path, query: Any) -> list[Any]:
    context = open_office(Paths.resolve(data_dir))
    try:
        with context.store.session() as session:
            return list(session.execute(query).all())
    finally:
        context.close()


def _sync(data_dir: Path) -> dict[str, Any]:
    answer: dict[str, Any] = baom_json(data_dir, "sync", "--once")
    assert answer["ok"], answer
    return answer


def _found(data_dir: Path, given: str, family: str) -> bool:
    hits = baom_json(data_dir, "person", "search", f"{given} {family}")
    return any((hit["given_name"], hit["family_name"]) == (given, family) for hit in hits)


def _tickets(data_dir: Path) -> set[uuid.UUID]:
    return {row.id for row in _read(data_dir, select(Ticket.id))}


def test_a_second_pc_joins_and_both_sync(tmp_path: Path) -> None:
    with regional.running_server(tmp_path / "regional") as server:
        first, second = tmp_path / "counter-1", tmp_path / "counter-2"
        made = baom_json(
            first, "office", "init", "BAOM Tiznit", "--admin", ACCOUNT[0], "--commune", "Tiznit"
        )
        office_id, code = regional.add_office(server.db_url, "BAOM Tiznit")
        baom(first, "enrol", "--server", server.url, "--code", code)
        context = open_office(Paths.resolve(first))
        try:
            context.accounts.add(context.system, "amina", Role.OFFICER, PASSWORD)
        finally:
            context.close()
        shared = _intake(first, "Zoubeida", "Kettaniyya")
        _intake(first, "Moussa", "Camara")
        baom(first, "ticket", "take", "--reason", "health", "--json")
        _sync(first)

        adding = ("office", "code", office_id, "--add-machine", "--db", server.db_url, "--json")
        joining = subprocess.run(
            [*regional.command(), *adding],
            capture_output=True,
            text=True,
            check=True,
        )
        done = restore(
            second, server, json.loads(joining.stdout)["enrolment_code"], made["recovery_key"]
        )
        assert done.returncode == 0, done.stderr
        assert _found(second, "Zoubeida", "Kettaniyya") and _found(second, "Moussa", "Camara")
        before = {"first": _tickets(first), "second": _tickets(second)}
        assert before["first"] and before["second"] == set()  # it joined: its own queue

        _intake(second, "Fatou", "Ndiaye")
        baom(first, "ticket", "take", "--reason", "health", "--json")
        baom(second, "ticket", "take", "--reason", "housing", "--json")
        _sync(second)
        _sync(first)
        assert _found(first, "Fatou", "Ndiaye")  # the first PC still works, and got it

        _set_birth_year(first, shared, 1981)
        _set_birth_year(second, shared, 1982)
        for data_dir in (first, second, first):
            _sync(data_dir)
        query = select(Person.version, Person.birth_year, Person.updated_at).where(
            Person.id == shared
        )
        on_first, on_second = _read(first, query), _read(second, query)
        assert on_first == on_second and on_first[0].version == 2, (on_first, on_second)
        kept = on_first[0].birth_year
        lost = {1981: second, 1982: first}[kept]
        won = second if lost == first else first
        conflicts = select(SyncConflict.entity_id, SyncConflict.reason, SyncConflict.payload)
        replaced = [row for row in _read(lost, conflicts) if row.reason == "concurrent_edit"]
        assert [row.entity_id for row in replaced] == [str(shared)]
        assert json.loads(replaced[0].payload)["birth_year"] != kept
        assert not [row for row in _read(won, conflicts) if row.reason == "concurrent_edit"]

        first_new = _tickets(first) - before["first"]
        second_new = _tickets(second) - before["second"]
        assert len(first_new) == len(second_new) == 1
        assert not first_new & _tickets(second) and not second_new & _tickets(first)

        audit = select(AuditEntry.id)
        mine, theirs = set(_read(first, audit)), set(_read(second, audit))
        assert mine & theirs  # each PC's entries reached the other, and joined its own chain
        for data_dir in (first, second):
            assert baom_json(data_dir, "audit", "verify")["intact"], data_dir
