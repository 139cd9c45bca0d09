"""A person who asked not to be called: ``baom person set --no-call``, and follow-up lists
that show "do not call" instead of their number."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from db.base import utcnow
from db.cases import Person, PersonChange, Referral
from db.models import AuditEntry
from db.uow import Actor
from kiosk.cases import work
from kiosk.office import OfficeContext
from tests.helpers.persons import TwoPersons, two_persons
from ui.main import main


@pytest.fixture(autouse=True)
def _as_the_administrator(
    command_account: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BAOM_USER", command_account[0])
    monkeypatch.setenv("BAOM_PASSWORD", command_account[1])


@pytest.fixture
def made(office: OfficeContext, officer: Actor) -> TwoPersons:
    made = two_persons(office, officer)
    with office.store.session() as session:  # both referrals past due, without an outcome
        session.execute(update(Referral).values(due_at=utcnow() - timedelta(days=1)))
        session.commit()
    work.write_step(office, officer, made.case, "Rappeler", utcnow().date())
    work.write_step(office, officer, made.other_code, "Rappeler", utcnow().date())
    return made


def _baom(office: OfficeContext, *args: str) -> int:
    return main(["--data-dir", str(office.paths.data_dir), *args])


def _phones(rows: list[dict]) -> list[tuple[str, bool]]:
    return sorted((row["phone"], row["no_call"]) for row in rows)


def test_a_no_call_person_s_number_leaves_every_follow_up_list(
    office: OfficeContext, made: TwoPersons, capsys: pytest.CaptureFixture[str]
) -> None:
    lists = work.read_follow_up(office, None)
    numbers = {row["phone"] for row in lists["steps"] + lists["referrals"]}
    assert "+212677777777" in numbers  # Bintou's number, for the officer's follow-up call
    assert _baom(office, "person", "set", made.other_person, "--no-call", "--json") == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer == {"person_id": made.other_person, "no_call": True, "changed": True}
    lists = work.read_follow_up(office, None)
    referrals = work.read_referrals(office, overdue_only=True)
    for rows in (lists["steps"], lists["referrals"], referrals):
        assert ("", True) in _phones(rows)
        assert all("+212677777777" not in json.dumps(row) for row in rows)
    assert _baom(office, "person", "set", made.other_person, "--no-call") == 0
    assert "unchanged" in capsys.readouterr().out
    assert _baom(office, "person", "set", made.other_person, "--call") == 0
    lists = work.read_follow_up(office, None)
    assert "+212677777777" in {row["phone"] for row in lists["referrals"]}


def test_the_wish_is_audited_and_kept_on_the_person_s_timeline_like_a_correction(
    office: OfficeContext, made: TwoPersons
) -> None:
    assert _baom(office, "person", "set", made.other_person, "--no-call") == 0
    with office.store.session() as session:
        person = session.get(Person, uuid.UUID(made.other_person))
        assert person is not None and person.no_call
        audit = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "person_corrected", AuditEntry.entity_id == person.id
            )
        ).all()
        change = session.scalars(
            select(PersonChange).where(PersonChange.person_id == person.id)
        ).all()[-1]
    assert [(entry.user_name, entry.detail) for entry in audit][-1] == ("admin", "no_call")
    assert change.fields == "no_call" and json.loads(change.previous) == {"no_call": False}
    detail = work.read_case(office, made.other_code)
    assert detail["person"]["no_call"] is True


def test_a_wrong_person_or_no_wish_is_refused(
    office: OfficeContext, made: TwoPersons, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _baom(office, "person", "set", "nobody", "--no-call") != 0
    assert "nobody" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _baom(office, "person", "set", made.other_person)
