"""A partner's outcome pulled from the server is recorded on the referral, once."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update

from db.base import utcnow
from db.cases import Referral, ReferralPriority, ReferralState
from db.models import EnvelopeStatus, OutboxEnvelope
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.cases.referrals import NewReferral, create_referral
from kiosk.directory.importer import import_directory
from kiosk.directory_cli import demo_directory
from kiosk.office import OfficeContext
from kiosk.sync import state
from kiosk.sync.apply import apply_page
from protocol import wire
from tests.helpers.intake import answers
from tests.unit.kiosk.cases.conftest import service_for


def _referral(office: OfficeContext) -> uuid.UUID:
    import_directory(office.store, office.system, demo_directory())
    saved = submit_intake(office.store, office.system, IntakeRequest(answers()))
    assert saved.case_id is not None
    service = service_for(office, "état civil")
    with office.store.unit_of_work(office.system) as uow:
        request = NewReferral(
            saved.case_id, service, "civil_registration", ReferralPriority.NORMAL, ""
        )
        return create_referral(uow, request).id


def _outcome_page(referral_id: uuid.UUID, seq: int) -> wire.PullResponse:
    outcome = wire.ReferralOutcome(
        referral_id=referral_id, state="done", provided="inscription", reported_at=utcnow()
    )
    change = wire.ServerChange(
        seq=seq,
        entity_type="referral_outcome",
        entity_id=str(uuid.uuid4()),
        operation="upsert",
        payload=outcome.model_dump(mode="json"),
    )
    return wire.PullResponse(changes=[change], cursor=seq, more=False)


def _referral_envelopes(office: OfficeContext) -> int:
    with office.store.session() as session:
        rows = session.scalars(
            select(OutboxEnvelope.id).where(OutboxEnvelope.entity_type == "referral")
        )
        return len(list(rows))


def test_an_outcome_waits_while_the_referral_has_unsynced_changes_then_applies(
    office: OfficeContext,
) -> None:
    referral_id = _referral(office)
    report = apply_page(
        office.store, office.system, office.office_id, _outcome_page(referral_id, 1)
    )
    assert (report.applied, report.conflicts) == (0, 1)
    assert state.conflicts(office.store)[0]["reason"] == "local_changes"

    with office.store.session() as session:  # the referral was pushed meanwhile
        session.execute(update(OutboxEnvelope).values(status=EnvelopeStatus.SENT))
        session.commit()
    before = _referral_envelopes(office)
    report = apply_page(
        office.store, office.system, office.office_id, _outcome_page(referral_id, 2)
    )
    assert (report.applied, report.conflicts) == (1, 0)
    with office.store.session() as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        assert ReferralState(referral.state) is ReferralState.DONE
        assert referral.provided == "inscription"
    # the referral as the office now has it refreshes its sealed copy at the region
    assert _referral_envelopes(office) == before + 1

    again = apply_page(office.store, office.system, office.office_id, _outcome_page(referral_id, 3))
    assert (again.applied, again.conflicts) == (1, 0)  # known already: nothing changes


def test_an_outcome_for_an_unknown_referral_is_set_aside(office: OfficeContext) -> None:
    report = apply_page(
        office.store, office.system, office.office_id, _outcome_page(uuid.uuid4(), 1)
    )
    assert (report.applied, report.conflicts) == (0, 1)
    [conflict] = state.conflicts(office.store)
    assert (conflict["reason"], conflict["entity_type"]) == ("not_applicable", "referral_outcome")
