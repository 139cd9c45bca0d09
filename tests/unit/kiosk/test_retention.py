"""The retention schedule: who is anonymised, which drafts go, what is held, and counting."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from db.base import new_id, utcnow
from db.cases import Case, Intake, IntakeDraft, Person
from db.models import AuditEntry, Ticket
from db.uow import Actor
from kiosk.accounts import PermissionDenied
from kiosk.cases import work
from kiosk.cases.drafts import save_draft
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.erasure import ErasureError
from kiosk.office import OfficeContext
from kiosk.queue.service import QueueService, TicketRequest
from kiosk.retention import hold, run_if_due, run_retention
from kiosk.settings import REGISTRY
from protocol.privacy import inventory
from tests.helpers.intake import answers


def _person(office: OfficeContext, name: str, closed_months_ago: int | None) -> str:
    """A person with one case, closed that many months ago (None: still open); its code."""
    saved = submit_intake(
        office.store, office.system, IntakeRequest(answers(person__given_name=name))
    )
    assert saved.case_code is not None
    if closed_months_ago is not None:
        work.close_case(office, office.system, saved.case_code, "need_met")
        with office.store.session() as session:  # the clock moved on: a plain backdating
            closed = utcnow() - timedelta(days=closed_months_ago * 31)
            session.execute(
                update(Case).where(Case.code == saved.case_code).values(closed_at=closed)
            )
            session.commit()
    return saved.case_code


def _old_draft(office: OfficeContext, days: int) -> None:
    draft = new_id()
    save_draft(office.store, draft, {"person.given_name": "Brouillon"}, 0)
    with office.store.session() as session:
        old = utcnow() - timedelta(days=days)
        session.execute(update(IntakeDraft).where(IntakeDraft.id == draft).values(updated_at=old))
        session.commit()


def _names(office: OfficeContext) -> set[str]:
    with office.store.session() as session:
        return set(session.scalars(select(Person.given_name)))


@pytest.fixture
def schedule(office: OfficeContext) -> dict[str, str]:
    codes = {
        "old": _person(office, "Ancien", 30),
        "recent": _person(office, "Recent", 6),
        "open": _person(office, "Ouvert", None),
        "held": _person(office, "Retenu", 30),
    }
    hold(office, office.system, codes["held"], "legal_claim")
    _old_draft(office, 10)
    _old_draft(office, 2)
    return codes


def test_the_dry_run_and_the_run_count_the_same(
    office: OfficeContext, schedule: dict[str, str]
) -> None:
    due = run_retention(office, office.system, dry_run=True)
    assert due.counts == {"persons_anonymised": 1, "drafts_deleted": 1, "cases_held": 1}
    assert due.due_cases == [schedule["old"]]
    assert "Ancien" in _names(office)  # a dry run changes nothing

    done = run_retention(office, office.system)
    assert done.counts == due.counts
    assert _names(office) >= {"Recent", "Ouvert", "Retenu"} and "Ancien" not in _names(office)
    with office.store.session() as session:
        assert session.scalar(select(IntakeDraft.id)) is not None  # the fresh draft stays
        audit = session.execute(
            select(AuditEntry.action, AuditEntry.detail).where(AuditEntry.action.like("retention%"))
        ).all()
    line = "persons_anonymised=1 drafts_deleted=1 cases_held=1"
    assert sorted(audit) == [("retention_dry_run", line), ("retention_run", line)]
    again = run_retention(office, office.system, dry_run=True)
    assert again.counts == {"persons_anonymised": 0, "drafts_deleted": 0, "cases_held": 1}


def test_a_released_case_is_due_again_and_the_schedule_is_a_setting(
    office: OfficeContext, schedule: dict[str, str]
) -> None:
    hold(office, office.system, schedule["held"], None)
    assert run_retention(office, office.system, dry_run=True).counts["persons_anonymised"] == 2
    office.settings.set(office.system, "retention.closed_case_months", "3")
    due = run_retention(office, office.system, dry_run=True)
    assert sorted(due.due_cases) == sorted([schedule["old"], schedule["held"], schedule["recent"]])


def test_holding_a_case_needs_a_supervisor_and_a_reason_of_the_list(
    office: OfficeContext, schedule: dict[str, str]
) -> None:
    officer = Actor(name="amina", role="officer", office_id=office.office_id)
    with pytest.raises(PermissionDenied):
        hold(office, officer, schedule["old"], "legal_claim")
    with pytest.raises(ErasureError, match="reason: one of legal_obligation"):
        hold(office, office.system, schedule["old"], "the judge said so")
    with pytest.raises(ErasureError, match="is not held"):
        hold(office, office.system, schedule["old"], None)
    with office.store.session() as session:
        audit = session.execute(
            select(AuditEntry.action, AuditEntry.detail).where(AuditEntry.action == "hold")
        ).all()
    assert audit == [("hold", "legal_claim")]


def test_anonymous_contacts_and_tickets_hold_no_personal_data(office: OfficeContext) -> None:
    """Nothing is due for them under the schedule, because there is nothing to erase."""
    taken = QueueService.for_office(office).take(
        office.system, TicketRequest(reason="civil_registration")
    )
    typed = {
        "consent.record": False,
        "person.category": "mre",
        "person.sex": "m",
        "person.age_band": "60+",
        "needs": ["health"],
        "person.given_name": "Brahim",  # typed before the refusal
        "person.phone": "0611223344",
        "notes": "Brahim, 0611223344",
    }
    ticket_id = taken.ticket.id
    saved = submit_intake(office.store, office.system, IntakeRequest(typed, ticket_id=ticket_id))
    with office.store.session() as session:
        intake = session.get(Intake, saved.intake_id)
        ticket = session.get(Ticket, ticket_id)
        assert intake is not None and ticket is not None
        stored = {key for key in json.loads(intake.answers) if not key.startswith("consent.")}
        row = " ".join(str(getattr(ticket, c.key)) for c in Ticket.__table__.columns)
    assert stored == {"person.category", "person.sex", "person.age_band", "needs"}
    assert "Brahim" not in row and "0611223344" not in row


def test_the_daily_run_runs_once_a_day(office: OfficeContext) -> None:
    now = utcnow()
    assert run_if_due(office, office.system, now) is True
    assert run_if_due(office, office.system, now + timedelta(hours=23)) is False
    assert run_if_due(office, office.system, now + timedelta(hours=25)) is True


def test_the_consent_notice_tells_the_schedules_defaults() -> None:
    """The notice is written from the inventory: its periods are the settings' defaults."""
    rules = inventory().retention
    assert rules["case"] == {
        "months": REGISTRY["retention.closed_case_months"].default,
        "after": "case_closed",
    }
    assert rules["draft"] == {"days": REGISTRY["retention.draft_days"].default, "after": "updated"}
