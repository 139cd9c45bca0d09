"""A second PC joins an office that has two counters (``office code --add-machine``).

A real server process (SQLite). Office A saves intakes and syncs; a second PC joins with
an add-machine code and the recovery words, exactly like a restore, and has A's records.
From then on each PC gets the other's records at its next round; a person both changed
at once ends the same on both, with a ``concurrent_edit`` conflict on the PC whose version
lost; the tickets each PC takes stay on it. A person erased on one PC is found nowhere on
the other after it syncs: not in its database pages, WAL, drafts or print spool.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from db.base import new_id
from db.cases import Case, IntakeDraft, Person
from db.models import AuditEntry, Role, Ticket
from db.print_spool import PrintJob
from db.sync import SyncConflict
from kiosk.cases import work
from kiosk.cases.drafts import save_draft
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.directory.importer import import_directory
from kiosk.directory_cli import demo_directory
from kiosk.office import open_office
from kiosk.paths import Paths
from printing.jobs import print_referral_slip
from printing.printer import PrinterConfig
from tests.e2e.test_restore import restore
from tests.helpers import regional
from tests.helpers.erased import MARKER, PHONE, database_key, secrets
from tests.helpers.intake import answers
from tests.helpers.plain_pages import database_pages, plain_export, wal_pages
from tests.helpers.sync_office import ACCOUNT, baom, baom_json
from tests.unit.kiosk.cases.conftest import service_for

pytestmark = pytest.mark.slow
PASSWORD = "demo-password-1"


def _intake(data_dir: Path, given: str, family: str, **more: Any) -> uuid.UUID:
    """Save one intake (``more``: other answers) as the officer ``amina``; returns the
    person's id."""
    context = open_office(Paths.resolve(data_dir))
    try:
        officer, _ = context.accounts.login("amina", PASSWORD)
        values = answers(person__given_name=given, person__family_name=family, **more)
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


def _first_pc(data_dir: Path, server: regional.Server) -> tuple[str, str]:
    """A new office enrolled with ``server``, with the officer ``amina``; returns its id at
    the region and its recovery words."""
    made = baom_json(
        data_dir, "office", "init", "BAOM Tiznit", "--admin", ACCOUNT[0], "--commune", "Tiznit"
    )
    office_id, code = regional.add_office(server.db_url, "BAOM Tiznit")
    baom(data_dir, "enrol", "--server", server.url, "--code", code)
    context = open_office(Paths.resolve(data_dir))
    try:
        context.accounts.add(context.system, "amina", Role.OFFICER, PASSWORD)
    finally:
        context.close()
    return office_id, str(made["recovery_key"])


def _join(data_dir: Path, server: regional.Server, office_id: str, recovery_key: str) -> None:
    """A second PC joins the office with an add-machine code and the recovery words."""
    adding = ("office", "code", office_id, "--add-machine", "--db", server.db_url, "--json")
    joining = subprocess.run(
        [*regional.command(), *adding],
        capture_output=True,
        text=True,
        check=True,
    )
    done = restore(data_dir, server, json.loads(joining.stdout)["enrolment_code"], recovery_key)
    assert done.returncode == 0, done.stderr


def test_a_second_pc_joins_and_both_sync(tmp_path: Path) -> None:
    with regional.running_server(tmp_path / "regional") as server:
        first, second = tmp_path / "counter-1", tmp_path / "counter-2"
        office_id, recovery_key = _first_pc(first, server)
        shared = _intake(first, "Zoubeida", "Kettaniyya")
        _intake(first, "Moussa", "Camara")
        baom(first, "ticket", "take", "--reason", "health", "--json")
        _sync(first)

        _join(second, server, office_id, recovery_key)
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


def test_a_person_erased_on_one_pc_is_found_nowhere_on_the_other(
    tmp_path: Path, qapp: QApplication
) -> None:
    """``qapp``: printing the slip draws with Qt. The second PC made the referral, printed
    its slip and holds a draft of the person; the first PC erases them."""
    with regional.running_server(tmp_path / "regional") as server:
        first, second = tmp_path / "counter-1", tmp_path / "counter-2"
        office_id, recovery_key = _first_pc(first, server)
        person_id = _intake(first, MARKER, "Alaoui", person__phone=PHONE, notes=f"a {MARKER} note")
        _sync(first)
        _join(second, server, office_id, recovery_key)
        for data_dir in (first, second):  # as the region would give it to both
            context = open_office(Paths.resolve(data_dir))
            import_directory(context.store, context.system, demo_directory())
            context.close()
        context = open_office(Paths.resolve(second))
        try:
            service = service_for(context, "civil")
            with context.store.session() as session:
                case_id = session.scalars(select(Case.id).where(Case.person_id == person_id)).one()
            code = work.make_referral(
                context, context.system, str(case_id), service, "health", "normal"
            )
            spool = PrinterConfig(f"image:{tmp_path / 'printed'}")
            print_referral_slip(context, context.system, code, "fr", spool)
            save_draft(
                context.store, new_id(), {"person.given_name": MARKER}, 1, person_id=person_id
            )
            paths = context.paths
        finally:
            context.close()
        _sync(second)  # the referral reaches the first PC
        _sync(first)
        erased = baom_json(first, "person", "erase", str(person_id), "--reason", "person_request")
        assert erased["deleted"] > 0
        _sync(first)
        _sync(second)

        key = database_key(paths)
        assert secrets(database_pages(paths.database, key)) == []  # free pages included
        assert secrets(wal_pages(paths.database.with_name("baom.db-wal"), key)) == []
        assert b"CREATE TABLE" in plain_export(paths.database, key)
        assert secrets(plain_export(paths.database, key)) == []
        shell = _read(second, select(Person.erased_at).where(Person.id == person_id))
        assert erased["facts_kept"] and shell[0].erased_at is not None  # an anonymous shell
        assert _read(second, select(PrintJob.id)) == []
        assert _read(second, select(IntakeDraft.id)) == []
        assert not _found(second, MARKER, "Alaoui")
