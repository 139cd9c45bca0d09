"""Referrals: consent, codes and tokens, due dates, the state machine and its events."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from db.base import utcnow
from db.cases import Referral, ReferralEvent, ReferralPriority, ReferralState
from db.uow import Actor
from kiosk.cases.intake import IntakeRequest, SavedIntake, submit_intake
from kiosk.cases.referrals import (
    DUE_AFTER,
    NewReferral,
    ReferralError,
    StateChange,
    change_state,
    create_referral,
    find_referral,
    mark_sent,
    record_outcome,
    redirect,
)
from kiosk.cases.views import follow_up, list_referrals
from kiosk.cases.work import set_referral_state
from kiosk.clock import office_day
from kiosk.office import OfficeContext
from protocol.wire import ReferralOutcome
from tests.helpers.intake import answers
from tests.unit.kiosk.cases.conftest import service_for

S = ReferralState


def _intake(desk: OfficeContext, **changes: object) -> SavedIntake:
    return submit_intake(desk.store, desk.system, IntakeRequest(answers(**changes)))


def _refer(
    desk: OfficeContext,
    actor: Actor,
    saved: SavedIntake,
    priority: ReferralPriority = ReferralPriority.NORMAL,
    override: str = "",
) -> uuid.UUID:
    assert saved.case_id is not None
    service = service_for(desk, "état civil")
    with desk.store.unit_of_work(actor) as uow:
        request = NewReferral(saved.case_id, service, "civil_registration", priority, override)
        return create_referral(uow, request).id


def _state(desk: OfficeContext, referral_id: uuid.UUID, change: StateChange) -> bool:
    with desk.store.unit_of_work(desk.system) as uow:
        referral = uow.session.get(Referral, referral_id)
        assert referral is not None
        return change_state(uow, referral, change)


def _read(desk: OfficeContext, referral_id: uuid.UUID) -> tuple[Referral, list[S]]:
    with desk.store.session() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        events = session.scalars(
            select(ReferralEvent.state)
            .where(ReferralEvent.referral_id == referral_id)
            .order_by(ReferralEvent.at)
        ).all()
        session.expunge(referral)
        return referral, [S(event) for event in events]


@pytest.mark.parametrize("priority", list(ReferralPriority))
def test_a_referral_gets_a_readable_code_a_secret_token_and_its_due_date(
    desk: OfficeContext, officer: Actor, priority: ReferralPriority
) -> None:
    before = utcnow()
    referral_id = _refer(desk, officer, _intake(desk), priority)
    referral, events = _read(desk, referral_id)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", referral.code)
    assert len(referral.token) >= 32 and referral.code not in referral.token
    assert referral.service_name == "Bureau d'état civil de Taliouine" or referral.service_name
    expected = before + DUE_AFTER[priority]
    assert abs((referral.due_at - expected).total_seconds()) < 60
    assert (S(referral.state), events) == (S.CREATED, [S.CREATED])


def test_without_consent_to_share_only_a_supervisor_with_a_reason_can_refer(
    desk: OfficeContext, officer: Actor, supervisor: Actor
) -> None:
    saved = _intake(desk, consent__share=False)
    with pytest.raises(ReferralError, match="not consented"):
        _refer(desk, officer, saved)
    with pytest.raises(ReferralError, match="only a supervisor"):
        _refer(desk, officer, saved, override="urgence médicale")
    referral, _ = _read(desk, _refer(desk, supervisor, saved, override="urgence médicale"))
    assert (referral.consent_share, referral.override_reason) == (False, "urgence médicale")


def test_the_states_follow_the_domain_and_every_change_is_an_event(
    desk: OfficeContext, officer: Actor
) -> None:
    referral_id = _refer(desk, officer, _intake(desk))
    with pytest.raises(ReferralError, match="created: it cannot become done"):
        _state(desk, referral_id, StateChange(S.DONE))
    assert _state(desk, referral_id, StateChange(S.SENT))
    assert not _state(desk, referral_id, StateChange(S.SENT))  # already there: nothing done
    with pytest.raises(ReferralError, match="needs a reason"):
        _state(desk, referral_id, StateChange(S.DECLINED, reason="no idea"))
    assert _state(desk, referral_id, StateChange(S.ACCEPTED, source="phone"))
    today = office_day(utcnow())
    for wrong in (today - timedelta(days=1), today + timedelta(days=1)):  # before it, or ahead
        with pytest.raises(ReferralError, match="outcome date") as refused:
            _state(desk, referral_id, StateChange(S.DONE, outcome_on=wrong))
        assert refused.value.message_key == "error.cases.outcome_date"
    done = StateChange(S.DONE, provided="acte de naissance délivré", outcome_on=today)
    assert _state(desk, referral_id, done)
    with pytest.raises(ReferralError, match="done: it cannot become withdrawn"):
        _state(desk, referral_id, StateChange(S.WITHDRAWN))
    referral, events = _read(desk, referral_id)
    assert events == [S.CREATED, S.SENT, S.ACCEPTED, S.DONE]
    assert (referral.provided, referral.outcome_on) == ("acte de naissance délivré", today)
    assert referral.sent_at is not None


def test_printing_marks_sent_once_and_a_redirect_links_a_new_referral(
    desk: OfficeContext, officer: Actor
) -> None:
    referral_id = _refer(desk, officer, _intake(desk))
    with desk.store.unit_of_work(officer) as uow:
        referral = uow.session.get(Referral, referral_id)
        assert referral is not None
        assert mark_sent(uow, referral)
        assert not mark_sent(uow, referral)
        other = service_for(desk, "Ouled Berhil")
        new_id = redirect(uow, referral, other, reason="plus proche").id
    old, events = _read(desk, referral_id)
    new, _ = _read(desk, new_id)
    assert (S(old.state), events) == (S.REDIRECTED, [S.CREATED, S.SENT, S.REDIRECTED])
    assert new.redirected_from_id == referral_id and S(new.state) is S.CREATED
    assert new.code != old.code and new.token != old.token


def test_a_partner_outcome_applies_once_even_before_the_slip_was_printed_here(
    desk: OfficeContext, officer: Actor
) -> None:
    referral_id = _refer(desk, officer, _intake(desk))
    outcome = ReferralOutcome(
        referral_id=referral_id, state="done", provided="inscription", reported_at=utcnow()
    )
    with desk.store.unit_of_work(desk.system) as uow:
        assert record_outcome(uow, outcome)
    with desk.store.unit_of_work(desk.system) as uow:
        assert not record_outcome(uow, outcome)
    referral, events = _read(desk, referral_id)
    assert events == [S.CREATED, S.SENT, S.DONE] and referral.provided == "inscription"


def _sources(desk: OfficeContext, referral_id: uuid.UUID) -> list[tuple[S, str]]:
    with desk.store.session() as session:
        events = session.execute(
            select(ReferralEvent.state, ReferralEvent.source)
            .where(ReferralEvent.referral_id == referral_id)
            .order_by(ReferralEvent.at)
        ).all()
    return [(S(state), source) for state, source in events]


def test_an_outcome_heard_by_phone_before_any_slip_marks_the_referral_sent_by_phone_first(
    desk: OfficeContext, officer: Actor
) -> None:
    referral_id = _refer(desk, officer, _intake(desk))
    with pytest.raises(ReferralError, match="needs a reason"):  # refused: nothing is written
        set_referral_state(desk, officer, str(referral_id), "declined", reason="no idea")
    assert _sources(desk, referral_id) == [(S.CREATED, "officer")]
    code = _read(desk, referral_id)[0].code
    shown = set_referral_state(desk, officer, code, "declined", reason="full")
    assert (shown["state"], shown["reason"]) == ("declined", "full") and shown["sent_at"]
    assert _sources(desk, referral_id) == [
        (S.CREATED, "officer"),
        (S.SENT, "phone"),
        (S.DECLINED, "phone"),
    ]
    withdrawn = _refer(desk, officer, _intake(desk, person__given_name="Moussa"))
    set_referral_state(desk, officer, str(withdrawn), "withdrawn")  # the officer's own act
    assert _sources(desk, withdrawn) == [(S.CREATED, "officer"), (S.WITHDRAWN, "officer")]


def test_codes_are_found_as_typed_and_overdue_referrals_reach_the_follow_up(
    desk: OfficeContext, officer: Actor
) -> None:
    referral_id = _refer(desk, officer, _intake(desk), ReferralPriority.EMERGENCY)
    referral, _ = _read(desk, referral_id)
    with desk.store.session() as session:
        typed = referral.code.lower().replace("-", " ")
        assert find_referral(session, typed).id == referral_id
        with pytest.raises(ReferralError, match="not a code"):
            find_referral(session, "OOII-1111")
        soon = follow_up(session, utcnow() + timedelta(hours=2))
        late = follow_up(session, utcnow() + timedelta(hours=25))
        listed = list_referrals(session, "https://r.example", utcnow() + timedelta(hours=25))
        overdue = list_referrals(session, "https://r.example", utcnow(), overdue_only=True)
    assert soon["referrals"] == []
    assert [item["code"] for item in late["referrals"]] == [referral.code]
    assert [(item["code"], item["overdue"]) for item in listed] == [(referral.code, True)]
    assert listed[0]["case_code"] and overdue == []


@pytest.mark.parametrize("hidden", ["\x00", "\u202e", "\u2066"])
def test_what_the_officer_writes_on_a_referral_holds_no_hidden_characters(
    desk: OfficeContext, officer: Actor, supervisor: Actor, hidden: str
) -> None:
    saved = _intake(desk, consent__share=False)
    with pytest.raises(ReferralError, match="invisible"):
        _refer(desk, supervisor, saved, override=f"urgence{hidden}")
    referral_id = _refer(desk, supervisor, saved, override="urgence médicale")
    _state(desk, referral_id, StateChange(S.SENT))
    with pytest.raises(ReferralError, match="invisible"):
        _state(desk, referral_id, StateChange(S.DONE, provided=f"acte{hidden} délivré"))
    with pytest.raises(ReferralError, match="invisible"):
        _state(desk, referral_id, StateChange(S.WITHDRAWN, reason=f"parti{hidden}"))


def test_a_referrals_service_is_named_in_the_officers_language(desk: OfficeContext) -> None:
    from kiosk.cases.work import read_case, read_follow_up, read_referrals

    saved = _intake(desk)
    _refer(desk, desk.system, saved)
    french = read_case(desk, str(saved.case_id))["referrals"][0]["service"]
    arabic = read_case(desk, str(saved.case_id), language="ar")["referrals"][0]["service"]
    assert "état civil" in french.lower()
    assert arabic != french and any("\u0600" <= c <= "\u06ff" for c in arabic)
    assert read_referrals(desk, False, language="ar")[0]["service"] == arabic
    later = utcnow() + timedelta(days=60)  # overdue: on the home page too
    assert read_follow_up(desk, None, later, "ar")["referrals"][0]["service"] == arabic
