"""Erasing a person: nothing of them is left at the office, but anonymous facts they agreed to."""

from __future__ import annotations

import json
import shutil
import uuid
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from PySide6.QtWidgets import QApplication
from sqlalchemy import select, update

from db.base import new_id
from db.cases import Case, Intake, IntakeDraft, Person, Referral, StatRecord
from db.models import AuditEntry, EnvelopeStatus, OutboxEnvelope
from db.print_spool import PrintJob
from db.sync import SyncConflict
from db.uow import Actor
from kiosk import backups
from kiosk.accounts import PermissionDenied
from kiosk.cases import work
from kiosk.cases.drafts import save_draft
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.cases.persons import likely_duplicates, search_persons
from kiosk.cases.views import list_cases
from kiosk.erasure import ErasureError, erase, restrict
from kiosk.office import OfficeContext, open_office
from kiosk.paths import Paths
from kiosk.statistics import make_month, month_of
from kiosk.sync.apply import OFFICE_RECORD, apply_page
from printing.jobs import print_referral_slip
from printing.printer import PrinterConfig
from protocol import wire
from tests.helpers.erased import MARKER, MARKER_AR, PHONE, database_key, secrets
from tests.helpers.intake import answers
from tests.helpers.plain_pages import database_pages, plain_export, wal_pages
from tests.unit.kiosk.cases.conftest import service_for


def _erasable(desk: OfficeContext, stats: bool = True) -> tuple[uuid.UUID, str, str]:
    """A person whose every free text holds the marker; returns their id, case and referral."""
    values = answers(
        person__given_name=MARKER,
        person__given_name_ar=MARKER_AR,
        person__phone=PHONE,
        notes=f"note {MARKER}",
        consent__stats=stats,
    )
    saved = submit_intake(desk.store, desk.system, IntakeRequest(values))
    assert saved.person_id is not None and saved.case_code is not None
    case = saved.case_code
    work.write_entry(desk, desk.system, case, "note", f"entry {MARKER}")
    work.write_step(desk, desk.system, case, f"step {MARKER}", date(2030, 1, 1))
    service = service_for(desk, "civil")
    code = work.make_referral(desk, desk.system, str(saved.case_id), service, "health", "normal")
    save_draft(desk.store, new_id(), {"person.given_name": MARKER}, 1, person_id=saved.person_id)
    return saved.person_id, case, code


def test_an_erased_persons_marker_is_found_nowhere_at_the_office(
    desk: OfficeContext, tmp_path: Path, qapp: QApplication
) -> None:
    """``qapp``: printing the slip draws with Qt; the session's one QApplication first."""
    person_id, case, code = _erasable(desk, stats=False)
    folder = tmp_path / "printed"
    print_referral_slip(desk, desk.system, code, "fr", PrinterConfig(f"image:{folder}"))
    database, key = desk.paths.database, database_key(desk.paths)
    desk.store.checkpoint()
    assert secrets(database_pages(database, key)) == [MARKER, MARKER_AR, PHONE[1:]]

    erased = erase(desk, desk.system, person_id, "person_request")

    assert not erased.facts_kept and erased.checkpointed
    assert b"CREATE TABLE" in plain_export(database, key)  # a readable dump
    assert secrets(database_pages(database, key)) == []  # free pages included
    assert secrets(wal_pages(database.with_name("baom.db-wal"), key)) == []
    assert secrets(plain_export(database, key)) == []
    copy = backups.take_backup(desk, Actor.system).path  # as the daily backup takes one
    assert secrets(database_pages(copy, key)) == [] and secrets(plain_export(copy, key)) == []
    with desk.store.session() as session:
        assert session.get(Person, person_id) is None
        assert session.scalar(select(Case).where(Case.code == case)) is None
        assert session.scalars(select(PrintJob).where(PrintJob.summary.contains(code))).all() == []
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
        assert (audit.entity_id, audit.detail) == (person_id, "person_request; facts deleted")


def test_erasure_leaves_the_region_tombstones_and_no_earlier_sealed_copy(
    desk: OfficeContext,
) -> None:
    person_id, _, _ = _erasable(desk, stats=False)
    with desk.store.session() as session:
        before = set(session.scalars(select(OutboxEnvelope.id)))
    erase(desk, desk.system, person_id, "legal_order")
    with desk.store.session() as session:
        envelopes = session.scalars(select(OutboxEnvelope)).all()
    kept = {e.entity_type for e in envelopes if e.id in before}
    # none had been sent: each would have carried the data to the region
    assert kept.isdisjoint({"person", "case", "intake", "case_entry", "referral", "visit"})
    assert kept >= {"audit_entry"}  # the envelopes of other records stay
    tombstones = [e for e in envelopes if e.erase]
    assert {e.entity_type for e in tombstones} >= {"person", "case", "intake", "case_entry"}
    assert all(e.operation == "delete" for e in tombstones)


def test_the_sent_copies_of_an_erased_person_lose_their_sealed_copy(desk: OfficeContext) -> None:
    person_id, _, _ = _erasable(desk, stats=True)
    with desk.store.session() as session:
        session.execute(update(OutboxEnvelope).values(status=EnvelopeStatus.SENT))
        session.commit()
        before = set(session.scalars(select(OutboxEnvelope.id)))
    erase(desk, desk.system, person_id, "person_request")
    with desk.store.session() as session:
        sent = session.scalars(select(OutboxEnvelope).where(OutboxEnvelope.id.in_(before))).all()
    of_person = [e for e in sent if e.entity_type in {"person", "intake", "case_entry"}]
    assert of_person and all(e.sealed == "" for e in of_person)
    assert all(e.sealed for e in sent if e.entity_type == "office")


def test_a_person_who_agreed_to_statistics_leaves_only_anonymous_facts(
    desk: OfficeContext,
) -> None:
    person_id, case, _ = _erasable(desk, stats=True)
    work.set_referral_state(desk, desk.system, _code(desk, case), "done", provided=MARKER)
    erased = erase(desk, desk.system, person_id, "person_request")
    assert erased.facts_kept
    with desk.store.session() as session:
        person = session.get(Person, person_id)
        assert person is not None and person.erased_at is not None
        assert (person.given_name, person.given_name_ar, person.phone) == ("", "", "")
        assert (person.sex, person.category, person.birth_year) == ("f", "rpt", None)
        intake = session.scalars(select(Intake)).one()
        assert json.loads(intake.answers) == {
            "needs": ["civil_registration", "health"],
            "person.age_band": "30-44",
            "person.category": "rpt",
            "person.sex": "f",
        }
        referral = session.scalars(select(Referral)).one()
        assert (referral.state.value, referral.provided) == ("done", "")
        assert search_persons(session, case) == []
        assert case not in [c["code"] for c in list_cases(session)]
    assert secrets(database_pages(desk.paths.database, database_key(desk.paths))) == []


def _code(office: OfficeContext, case: str) -> str:
    with office.store.session() as session:
        return session.scalars(select(Referral.code)).one()


def test_an_officer_may_not_erase_and_a_reason_is_one_of_the_list(
    desk: OfficeContext, officer: Actor
) -> None:
    person_id, _, _ = _erasable(desk)
    with pytest.raises(PermissionDenied):
        erase(desk, officer, person_id, "person_request")
    with pytest.raises(ErasureError, match="reason: one of person_request") as refused:
        erase(desk, desk.system, person_id, "she asked")
    assert refused.value.message_key == "error.cases.reason"
    with desk.store.session() as session:
        assert session.get(Person, person_id).given_name == MARKER  # type: ignore[union-attr]
    erase(desk, desk.system, person_id, "person_request")
    with pytest.raises(ErasureError, match="erased already"):
        erase(desk, desk.system, person_id, "person_request")


def test_a_restricted_person_is_hidden_until_the_restriction_is_lifted(
    desk: OfficeContext, supervisor: Actor, officer: Actor
) -> None:
    person_id, case, _ = _erasable(desk)

    def visible() -> tuple[bool, bool, bool, bool]:
        with desk.store.session() as session:
            found = bool(search_persons(session, MARKER))
            listed = case in [c["code"] for c in list_cases(session)]
            duplicate = bool(likely_duplicates(session, MARKER, "Diallo", phone=PHONE))
        referrals = [r["case_code"] for r in work.read_referrals(desk, overdue_only=False)]
        return found, listed, duplicate, case in referrals

    with pytest.raises(PermissionDenied):
        restrict(desk, officer, person_id, "objection")
    restrict(desk, supervisor, person_id, "objection")
    assert visible() == (False, False, False, False)
    shown = work.read_case(desk, case)
    assert shown["person"]["restricted"] == "objection"  # the person's page says so
    with pytest.raises(ErasureError, match="reason: one of accuracy_checked"):
        restrict(desk, supervisor, person_id, "objection", lift=True)
    restrict(desk, supervisor, person_id, "objection_settled", lift=True)
    assert visible() == (True, True, True, True)
    with desk.store.session() as session:
        actions = session.execute(
            select(AuditEntry.action, AuditEntry.detail, AuditEntry.user_name).where(
                AuditEntry.entity_id == person_id, AuditEntry.action.contains("restrict")
            )
        ).all()
    assert sorted(actions) == [
        ("restrict", "objection", "sara"),
        ("unrestrict", "objection_settled", "sara"),
    ]


def test_a_duplicate_merged_into_the_person_is_erased_with_them(desk: OfficeContext) -> None:
    kept, _, _ = _erasable(desk, stats=False)
    values = answers(
        person__given_name=f"{MARKER}bis", person__phone="0655443322", consent__stats=False
    )
    duplicate = submit_intake(desk.store, desk.system, IntakeRequest(values)).person_id
    assert duplicate is not None
    work.merge(desk, desk.system, str(kept), str(duplicate))
    erased = erase(desk, desk.system, kept, "person_request")
    with desk.store.session() as session:
        assert session.get(Person, duplicate) is None and session.get(Person, kept) is None
    assert erased.deleted > 10
    assert secrets(database_pages(desk.paths.database, database_key(desk.paths))) == []


def test_the_facts_kept_still_count_in_the_months_statistics(desk: OfficeContext) -> None:
    person_id, _, _ = _erasable(desk, stats=True)
    erase(desk, desk.system, person_id, "person_request")
    with desk.store.session() as session:
        month = month_of(session.scalars(select(Intake.at)).one())
    with desk.store.unit_of_work(desk.system) as uow:
        assert make_month(uow, month) == 1
    with desk.store.session() as session:
        record = session.scalars(select(StatRecord)).one()
    assert (record.category, record.sex, record.age_band) == ("rpt", "f", "30-44")
    assert json.loads(record.needs) == ["civil_registration", "health"]
    assert (record.nationality, record.commune) == ("unknown", "unknown")  # not kept


def _tombstones(office: OfficeContext) -> wire.PullResponse:
    """The tombstones in ``office``'s outbox, as the region gives them to its other PCs."""
    with office.store.session() as session:
        envelopes = session.scalars(
            select(OutboxEnvelope)
            .where(OutboxEnvelope.erase.is_(True))
            .order_by(OutboxEnvelope.created_at, OutboxEnvelope.id)
        ).all()
    changes = [
        wire.ServerChange(
            seq=seq,
            entity_type=OFFICE_RECORD,
            entity_id=str(e.entity_id),
            operation=e.operation,
            payload={
                "entity_type": e.entity_type,
                "entity_id": str(e.entity_id),
                "operation": e.operation,
                "version": e.version,
                "sealed": e.sealed,
                "erase": True,
            },
        )
        for seq, e in enumerate(envelopes, start=1)
    ]
    return wire.PullResponse(changes=changes, cursor=len(changes), more=False)


def test_a_pc_applying_another_pcs_tombstones_keeps_nothing_of_the_person(
    desk: OfficeContext, tmp_path: Path, qapp: QApplication
) -> None:
    """``desk`` is the second PC: it has the person, its own draft and printed slip, sent
    and pending sealed copies and a set-aside value; the first PC (a copy) erases them."""
    person_id, case, code = _erasable(desk, stats=False)
    print_referral_slip(desk, desk.system, code, "fr", PrinterConfig(f"image:{tmp_path / 'p'}"))
    with desk.store.unit_of_work(desk.system) as uow:
        uow.session.execute(update(OutboxEnvelope).values(status=EnvelopeStatus.SENT))
        uow.add(
            SyncConflict(
                entity_type="person",
                entity_id=str(person_id),
                operation="upsert",
                payload=f'{{"given_name": "{MARKER}"}}',
                reason="concurrent_edit",
                detail="",
                resolved=False,
            )
        )
    desk.store.checkpoint()
    first = Paths.resolve(data_dir=tmp_path / "first", config_dir=tmp_path / "first-config")
    shutil.copytree(desk.paths.data_dir, first.data_dir)
    shutil.copytree(desk.paths.config_dir, first.config_dir)
    with desk.store.unit_of_work(desk.system) as uow:  # a change not sent yet on this PC
        person = uow.session.get(Person, person_id)
        assert person is not None
        person.family_name = f"{MARKER} bis"
    pc1 = open_office(first)
    try:
        erase(pc1, pc1.system, person_id, "person_request")
        page = _tombstones(pc1)
    finally:
        pc1.close()

    report = apply_page(desk.store, desk.system, desk.office_id, page)

    assert (report.erased, report.conflicts) == (len(page.changes), 0)
    database, key = desk.paths.database, database_key(desk.paths)
    assert secrets(database_pages(database, key)) == []
    assert secrets(wal_pages(database.with_name("baom.db-wal"), key)) == []
    assert secrets(plain_export(database, key)) == []
    with desk.store.session() as session:
        assert session.get(Person, person_id) is None
        assert session.scalar(select(Case).where(Case.code == case)) is None
        assert session.scalars(select(IntakeDraft)).all() == []
        assert session.scalars(select(PrintJob)).all() == []
        assert session.scalars(select(SyncConflict)).all() == []
        erased = {UUID(c.entity_id) for c in page.changes}
        copies = session.scalars(
            select(OutboxEnvelope).where(OutboxEnvelope.entity_id.in_(erased))
        ).all()
        assert copies and all(e.sealed == "" for e in copies)
        assert all(e.status is EnvelopeStatus.SENT for e in copies)  # the pending one went
