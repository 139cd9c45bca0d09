"""``baom office restore``: a lost PC's office rebuilt from the region, record for record.

A real server process (SQLite). An office with 2,000 intakes, many of them with a referral
(half of those marked sent, as printing the slip does), a note and a follow-up step, an
account of its own and a few tickets, syncs once; the canonical dump of every table that
leaves the office sealed is taken; the office's data folder is deleted; a new PC restores
it with a new code and the 12 words of the recovery sheet. The dump comes back identical
but for the one ``office_restore`` audit entry and each PC's own audit chain, the person
search works again, and the next sync pushes only that entry and the searches' audit
entries. A wrong key and an occupied folder are refused.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import select, text

from db.cases import Case, CaseEntryKind, ReferralState
from db.directory import Service
from db.models import AuditEntry, EnvelopeStatus, OutboxEnvelope, Role
from db.office_key import new_recovery_key
from db.store import Store
from db.uow import Actor, UnitOfWork
from kiosk.cases.casework import add_entry, add_step
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.cases.persons import merge_persons
from kiosk.cases.referrals import (
    NewReferral,
    StateChange,
    change_state,
    create_referral,
    find_referral,
    mark_sent,
    redirect,
)
from kiosk.directory.importer import import_directory
from kiosk.directory_cli import demo_directory
from kiosk.office import open_office
from kiosk.paths import Paths
from kiosk.recovery import words
from protocol.privacy import inventory
from tests.helpers import regional
from tests.helpers.intake import answers
from tests.helpers.sync_office import ACCOUNT, baom, baom_json, server_count

pytestmark = pytest.mark.slow

INTAKES = 2_000
BATCH = 250
GIVEN = ["Aminata", "Moussa", "Fatou", "Ibrahima", "Mariam", "Youssef", "Khadija", "Omar"]
FAMILY = ["Diallo", "Traoré", "Ndiaye", "Camara", "Benali", "Ouédraogo", "Koné", "Sow"]
NATIONALITIES = ["SN", "ML", "CI", "GN", "CM", "MA", "FR", "ES"]
CATEGORIES = ["mre", "mre_returnee", "rpt", "other"]
NEEDS = ["health", "civil_registration", "housing", "legal_aid", "employment", "education"]
SERVICE_FOR = {  # a demo service of each kind, by a fragment of its French name
    "health": "Centre de santé",
    "civil_registration": "état civil",
    "housing": "Al Omrane",
    "legal_aid": "assistance judiciaire",
}
UNIQUE_NAME = ("Zoubeida", "Kettaniyya")
MERGED = (60, 62, 64)  # each merged into the next person


def synced_tables() -> list[str]:
    """Every table whose records leave the office sealed (the inventory)."""
    return sorted(
        name for name, entry in inventory().records.items() if entry.leaves_office == "sealed"
    )


def _json_ready(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Enum):
        return str(value)
    return value


def canonical_dump(data_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """Every synced table: its rows, every column as a JSON-ready value, sorted by id."""
    context = open_office(Paths.resolve(data_dir))
    try:
        dump: dict[str, list[dict[str, Any]]] = {}
        with context.store.session() as session:
            for table in synced_tables():
                rows = session.execute(text(f'SELECT * FROM "{table}"')).mappings().all()
                ready = [{key: _json_ready(value) for key, value in row.items()} for row in rows]
                dump[table] = sorted(ready, key=lambda row: json.dumps(row, sort_keys=True))
        return dump
    finally:
        context.close()


def _answers(number: int) -> dict[str, Any]:
    given, family = GIVEN[number % len(GIVEN)], FAMILY[(number // 8) % len(FAMILY)]
    values = answers(
        person__given_name=f"{given}{number:04d}",
        person__family_name=family,
        person__sex="f" if number % 2 else "m",
        person__birth_year=1950 + number % 55,
        person__nationality=NATIONALITIES[number % len(NATIONALITIES)],
        person__category=CATEGORIES[number % len(CATEGORIES)],
        person__phone=f"06{number:08d}",
        household__size=1 + number % 7,
        needs=[NEEDS[number % len(NEEDS)], NEEDS[(number + 2) % len(NEEDS)]],
        consent__share=number % 10 != 0,
        consent__stats=number % 7 != 0,
    )
    if number % 3 == 0:
        values["notes"] = f"Première visite {number}, orienté par un voisin."
    if number == 0:
        values["person.given_name"], values["person.family_name"] = UNIQUE_NAME
    return values


class _OneUnitOfWork:
    """A store whose every unit of work is ``uow`` (committed by its owner): many intakes
    in one transaction, as fast as the set-up needs."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    @contextmanager
    def unit_of_work(self, _actor: Actor) -> Iterator[UnitOfWork]:
        yield self.uow


def _services(data_dir: Path) -> dict[str, str]:
    context = open_office(Paths.resolve(data_dir))
    try:
        with context.store.session() as session:
            found = {
                need: session.scalar(select(Service.id).where(Service.name.contains(fragment)))
                for need, fragment in SERVICE_FOR.items()
            }
        assert all(found.values()), found
        return {need: str(service) for need, service in found.items()}
    finally:
        context.close()


def _fill_office(data_dir: Path) -> None:
    """2,000 intakes; referrals, notes, steps and sent slips for a good part; an account."""
    services = _services(data_dir)
    context = open_office(Paths.resolve(data_dir))
    try:
        context.accounts.add(context.system, "amina", Role.OFFICER, "demo-password-1")
        officer, _ = context.accounts.login("amina", "demo-password-1")
        cases: list[tuple[int, uuid.UUID]] = []
        people: list[tuple[int, uuid.UUID]] = []
        for start in range(0, INTAKES, BATCH):
            with context.store.unit_of_work(officer) as uow:
                batch = cast(Store, _OneUnitOfWork(uow))
                for number in range(start, min(INTAKES, start + BATCH)):
                    saved = submit_intake(batch, officer, IntakeRequest(_answers(number)))
                    assert saved.case_id is not None and saved.person_id is not None
                    cases.append((number, saved.case_id))
                    people.append((number, saved.person_id))
        followed = [(number, case_id) for number, case_id in cases if number % 10 in (1, 2, 5)]
        for start in range(0, len(followed), 100):
            with context.store.unit_of_work(officer) as uow:
                for number, case_id in followed[start : start + 100]:
                    case = uow.session.get(Case, case_id)
                    assert case is not None
                    need = NEEDS[number % 4]
                    referral = create_referral(
                        uow, NewReferral(case_id, services[need], need), now=None
                    )
                    add_entry(uow, case, CaseEntryKind.NOTE, f"Appel du centre pour {number}")
                    add_step(uow, case, "Rappeler la personne", date(2030, 1, 1 + number % 28))
                    uow.session.flush()
                    if number % 2:  # the slip was printed: the referral is sent
                        mark_sent(uow, find_referral(uow.session, str(referral.id)))
                    if number % 20 == 1:  # the service says what it did
                        done = StateChange(ReferralState.DONE, provided="soins")
                        change_state(uow, referral, done)
                    elif number % 20 == 11:  # sent elsewhere: a new referral, linked
                        redirect(uow, referral, services[NEEDS[(number + 1) % 4]], "full")
        persons = {number: person for number, person in people}
        with context.store.unit_of_work(context.system) as uow:  # duplicates found later
            for number in MERGED:
                merge_persons(uow, persons[number + 1], persons[number])
    finally:
        context.close()


@dataclass(frozen=True)
class SyncedOffice:
    """An office synced once with ``server``: its folder, words, and canonical dump."""

    server: regional.Server
    data_dir: Path
    office_id: str
    recovery_words: str
    dump: dict[str, list[dict[str, Any]]]


def _regional(server: regional.Server, *args: str) -> Any:
    done = subprocess.run(
        [*regional.command(), *args, "--db", server.db_url, "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


def _new_code(server: regional.Server, office_id: str) -> str:
    return str(_regional(server, "office", "code", office_id, "--replace")["enrolment_code"])


def restore(
    data_dir: Path, server: regional.Server, code: str, key_words: str, *more: str
) -> subprocess.CompletedProcess[str]:
    """``baom office restore`` with the words on standard input, as when piped."""
    saved = sys.stdin
    sys.stdin = io.StringIO(key_words + "\n")
    try:
        return baom(
            data_dir, "office", "restore", "--server", server.url, "--code", code, *more,
            check=False,
        )  # fmt: skip
    finally:
        sys.stdin = saved


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SyncedOffice]:
    """The office, filled and synced once; its canonical dump taken after the sync."""
    root = tmp_path_factory.mktemp("restore")
    with regional.running_server(root / "regional") as server:
        data_dir = root / "office"
        made = baom_json(
            data_dir, "office", "init", "BAOM Tiznit", "--admin", ACCOUNT[0], "--commune", "Tiznit"
        )
        office_id, code = regional.add_office(server.db_url, "BAOM Tiznit")
        baom(data_dir, "enrol", "--server", server.url, "--code", code)
        context = open_office(Paths.resolve(data_dir))
        try:
            import_directory(context.store, context.system, demo_directory())
        finally:
            context.close()
        _fill_office(data_dir)
        for reason in ("health", "civil_registration", "residence_papers"):
            baom(data_dir, "ticket", "take", "--reason", reason, "--json")
        baom(data_dir, "queue", "call-next", "--counter", "1")
        answer = baom_json(data_dir, "sync", "--once")
        assert answer["ok"], answer
        assert answer["push"]["conflict"] == answer["push"]["invalid"] == 0, answer
        yield SyncedOffice(
            server, data_dir, office_id, made["recovery_key"], canonical_dump(data_dir)
        )


def _own(rows: list[dict[str, Any]], table: str) -> list[dict[str, Any]]:
    """The rows without what each PC keeps of its own: the audit trail's chain."""
    if table != "audit_entry":
        return rows
    return [{k: v for k, v in row.items() if k not in AuditEntry.__sync_exclude__} for row in rows]


def _pending(data_dir: Path) -> list[tuple[str, str]]:
    context = open_office(Paths.resolve(data_dir))
    try:
        with context.store.session() as session:
            rows = session.execute(
                select(OutboxEnvelope.entity_type, OutboxEnvelope.entity_id).where(
                    OutboxEnvelope.status == EnvelopeStatus.PENDING
                )
            ).all()
        return [(row.entity_type, str(row.entity_id)) for row in rows]
    finally:
        context.close()


def test_a_deleted_office_comes_back_exactly(synced: SyncedOffice) -> None:
    before = synced.dump
    assert len(before["intake"]) == INTAKES and len(before["person"]) == INTAKES
    assert len(before["referral"]) >= INTAKES * 3 // 10
    states = {row["state"] for row in before["referral"]}
    assert states == {"created", "sent", "done", "redirected"}, states
    assert sum(row["merged_into_id"] is not None for row in before["person"]) == len(MERGED)
    assert before["ticket"] and before["queue_event"] and before["case_entry"]
    assert before["accompaniment_step"] and before["user_account"]
    pushed = server_count(synced.server, synced.office_id)

    shutil.rmtree(synced.data_dir)
    done = restore(
        synced.data_dir,
        synced.server,
        _new_code(synced.server, synced.office_id),
        synced.recovery_words,
        "--json",
    )
    assert done.returncode == 0, done.stderr
    restored = json.loads(done.stdout)
    assert restored["office_name"] == "BAOM Tiznit"

    after = canonical_dump(synced.data_dir)
    added = [row for row in after["audit_entry"] if row not in before["audit_entry"]]
    assert [row["action"] for row in added] == ["office_restore"], added
    after["audit_entry"] = [row for row in after["audit_entry"] if row not in added]
    for table in synced_tables():
        assert _own(after[table], table) == _own(before[table], table), table
    assert baom_json(synced.data_dir, "audit", "verify")["intact"]  # chained anew on this PC

    assert _pending(synced.data_dir) == [("audit_entry", str(uuid.UUID(added[0]["id"])))]
    answer = baom_json(synced.data_dir, "sync", "--once")
    assert answer["ok"], answer
    assert answer["push"]["sent"] == answer["push"]["accepted"] == 1, answer
    assert server_count(synced.server, synced.office_id) == pushed + 1
    assert _pending(synced.data_dir) == []

    hits = baom_json(synced.data_dir, "person", "search", " ".join(UNIQUE_NAME))
    assert [(hit["given_name"], hit["family_name"]) for hit in hits][:1] == [UNIQUE_NAME], hits
    assert baom_json(synced.data_dir, "person", "search", "Camara")


def test_a_wrong_recovery_key_is_refused_and_leaves_no_database(
    synced: SyncedOffice, tmp_path: Path
) -> None:
    data_dir = tmp_path / "new-pc"
    other = " ".join(words(new_recovery_key()))
    done = restore(data_dir, synced.server, _new_code(synced.server, synced.office_id), other)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "recovery key" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    paths = Paths.resolve(data_dir)
    assert not paths.database.exists()
    assert not list(data_dir.rglob("*.db*")), list(data_dir.rglob("*"))


def test_restoring_into_a_folder_with_a_database_is_refused(
    synced: SyncedOffice, tmp_path: Path
) -> None:
    data_dir = tmp_path / "occupied"
    baom(data_dir, "office", "init", "BAOM Tata", "--admin", ACCOUNT[0], "--json")
    database = Paths.resolve(data_dir).database
    content = database.read_bytes()
    done = restore(
        data_dir,
        synced.server,
        _new_code(synced.server, synced.office_id),
        synced.recovery_words,
    )
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "already an office database" in done.stderr
    assert database.read_bytes() == content
