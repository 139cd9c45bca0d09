"""Applying pulled pages: one transaction with the cursor, no envelope back, conflicts kept."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import func, select, update

from db.directory import Address, Organization, SearchDocument, Service
from db.models import AuditEntry, EnvelopeStatus, OutboxEnvelope, UserAccount
from kiosk.office import OfficeContext
from kiosk.sync import state
from kiosk.sync.apply import apply_page
from protocol import wire


def _page(*changes: dict[str, Any], cursor: int | None = None) -> wire.PullResponse:
    parsed = [wire.ServerChange(seq=n + 1, **change) for n, change in enumerate(changes)]
    return wire.PullResponse(changes=parsed, cursor=cursor or len(parsed), more=False)


def _setting(key: str, value: Any) -> dict[str, Any]:
    entity_id = str(uuid.uuid5(uuid.NAMESPACE_URL, key))
    return {
        "entity_type": "setting",
        "entity_id": entity_id,
        "operation": "upsert",
        "payload": {"key": key, "value": value},
    }


def _envelopes(office: OfficeContext) -> list[tuple[str, str]]:
    with office.store.session() as session:
        return [
            (row.entity_type, row.status.value)
            for row in session.scalars(select(OutboxEnvelope).order_by(OutboxEnvelope.created_at))
        ]


def test_a_pulled_setting_applies_refreshes_the_sealed_copy_and_moves_the_cursor(
    office: OfficeContext,
) -> None:
    before = _envelopes(office)
    report = apply_page(
        office.store, office.system, office.office_id, _page(_setting("sync.interval_minutes", 9))
    )
    assert (report.applied, report.conflicts) == (1, 0)
    assert office.settings.get("sync.interval_minutes") == 9
    after = _envelopes(office)
    new = after[len(before) :]
    # the setting as the office now has it goes to its sealed copy, marked as the region's
    assert sorted(kind for kind, _ in new) == ["audit_entry", "audit_entry", "setting"]
    with office.store.session() as session:
        sent = session.scalars(
            select(OutboxEnvelope).where(OutboxEnvelope.entity_type == "setting")
        ).one()
    assert sent.from_region and sent.sealed
    with office.store.session() as session:
        actions = set(session.scalars(select(AuditEntry.action)))
    assert "sync_pull" in actions
    assert state.status(office.store)["cursor"] == 1


def test_a_pulled_change_never_overwrites_unsynced_local_changes(office: OfficeContext) -> None:
    office.settings.set(office.system, "desk.auto_lock_minutes", "7")  # pending envelope
    page = _page(_setting("desk.auto_lock_minutes", 30), _setting("sync.interval_minutes", 11))
    report = apply_page(office.store, office.system, office.office_id, page)
    assert (report.applied, report.conflicts) == (1, 1)
    assert office.settings.get("desk.auto_lock_minutes") == 7
    assert office.settings.get("sync.interval_minutes") == 11
    [conflict] = state.conflicts(office.store)
    assert conflict["entity_type"] == "setting"
    assert conflict["reason"] == "local_changes"
    assert conflict["payload"] == {"key": "desk.auto_lock_minutes", "value": 30}
    assert state.status(office.store)["conflicts"] == 1

    with office.store.session() as session:  # once pushed, the server's value applies
        for envelope in session.scalars(select(OutboxEnvelope)):
            envelope.status = EnvelopeStatus.SENT
        session.commit()
    apply_page(
        office.store, office.system, office.office_id, _page(_setting("desk.auto_lock_minutes", 30))
    )
    assert office.settings.get("desk.auto_lock_minutes") == 30


def test_a_change_that_cannot_apply_is_set_aside_and_the_rest_goes_on(
    office: OfficeContext,
) -> None:
    page = _page(
        {"entity_type": "spaceship", "entity_id": "x", "operation": "upsert", "payload": {}},
        _setting("no.such.setting", 1),
        _setting("sync.interval_minutes", 0),  # below the minimum
        _setting("printer.uri", "usb://x"),  # a machine setting
        _setting("sync.interval_minutes", 12),
    )
    report = apply_page(office.store, office.system, office.office_id, page)
    assert (report.applied, report.conflicts) == (1, 4)
    reasons = {row["reason"] for row in state.conflicts(office.store)}
    assert reasons == {"not_applicable"}
    assert office.settings.get("sync.interval_minutes") == 12


def test_directory_rows_are_upserted_indexed_and_deleted(office: OfficeContext) -> None:
    organization_id, service_id = uuid.uuid4(), uuid.uuid4()
    organization = {"id": str(organization_id), "name": "Entraide nationale", "translations": {}}
    service = {
        "id": str(service_id),
        "organization_id": str(organization_id),
        "name": "Cours d'alphabétisation",
        "status": "active",
        "eligible_categories": [],
    }
    upserts = _page(
        {
            "entity_type": "directory_organization",
            "entity_id": str(organization_id),
            "operation": "upsert",
            "payload": organization,
        },
        {
            "entity_type": "directory_service",
            "entity_id": str(service_id),
            "operation": "upsert",
            "payload": service,
        },
    )
    report = apply_page(office.store, office.system, office.office_id, upserts)
    assert (report.applied, report.conflicts) == (2, 0)
    with office.store.session() as session:
        assert session.get(Service, service_id) is not None
        document = session.scalar(
            select(SearchDocument).where(SearchDocument.service_id == service_id)
        )
        assert document is not None and "alphabetisation" in document.name
    renamed = {**service, "name": "Cours de darija"}
    tombstone = {
        "entity_type": "directory_service",
        "entity_id": str(service_id),
        "operation": "delete",
    }
    change = {**upserts.changes[1].model_dump(), "payload": renamed}
    del change["seq"]
    apply_page(office.store, office.system, office.office_id, _page(change, cursor=3))
    with office.store.session() as session:
        assert session.get(Service, service_id).name == "Cours de darija"  # type: ignore[union-attr]
    apply_page(office.store, office.system, office.office_id, _page(tombstone, cursor=4))
    with office.store.session() as session:
        assert session.get(Service, service_id) is None
        assert session.get(Organization, organization_id) is not None
        assert session.scalar(select(func.count()).select_from(SearchDocument)) == 0
    assert not [kind for kind, _ in _envelopes(office) if kind.startswith(("hsds", "directory"))]
    assert state.status(office.store)["cursor"] == 4


def test_the_region_may_only_disable_enable_or_rename_an_account(office: OfficeContext) -> None:
    amina = office.accounts.list()[0]
    with office.store.session() as session:
        account_id = session.scalar(select(UserAccount.id).where(UserAccount.name == amina.name))
    assert account_id is not None

    def change(**payload: object) -> dict[str, object]:
        return {
            "entity_type": "user_account",
            "entity_id": str(payload.pop("account", account_id)),
            "operation": "upsert",
            "payload": {"id": str(account_id), **payload},
        }

    with office.store.session() as session:  # amina's own changes were sent
        session.execute(update(OutboxEnvelope).values(status=EnvelopeStatus.SENT))
        session.commit()
    page = _page(
        change(name="amina", disabled=True),
        change(account=uuid.uuid4(), name="youssef", disabled=False),  # no new account
        change(role="admin", password_hash="$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"),
        cursor=5,
    )  # a role or a password never comes from the region
    report = apply_page(office.store, office.system, office.office_id, page)
    assert (report.applied, report.conflicts) == (1, 2)
    with office.store.session() as session:
        account = session.get(UserAccount, account_id)
        assert account is not None
        assert (account.role.value, account.disabled) == ("officer", True)
    details = [conflict["detail"] for conflict in state.conflicts(office.store)]
    assert "this office has no such account" in details
    assert any(detail.endswith("not change its password_hash, role") for detail in details)
    assert all(conflict["reason"] == "not_applicable" for conflict in state.conflicts(office.store))


def test_an_empty_page_only_moves_the_cursor(office: OfficeContext) -> None:
    apply_page(office.store, office.system, office.office_id, _page(cursor=42))
    assert state.status(office.store)["cursor"] == 42
    assert json.dumps(state.status(office.store))  # JSON-ready


def test_a_reference_to_a_row_the_office_lacks_is_emptied_and_reported(
    office: OfficeContext,
) -> None:
    service_id = uuid.uuid4()
    change = {
        "entity_type": "directory_service",
        "entity_id": str(service_id),
        "operation": "upsert",
        "payload": {
            "id": str(service_id),
            "organization_id": str(uuid.uuid4()),
            "name": "Permanence juridique",
            "status": "active",
        },
    }
    wrong_id = {**change, "entity_id": str(uuid.uuid4())}
    report = apply_page(office.store, office.system, office.office_id, _page(change, wrong_id))
    assert (report.applied, report.conflicts) == (1, 1)
    with office.store.session() as session:
        service = session.get(Service, service_id)
        assert service is not None and service.organization_id is None
    reasons = sorted((row["reason"], row["seq"]) for row in state.conflicts(office.store))
    assert reasons == [("not_applicable", 2), ("reference_emptied", 1)]


def test_a_value_of_the_wrong_type_is_set_aside_and_the_page_still_applies(
    office: OfficeContext,
) -> None:
    good, bad = uuid.uuid4(), uuid.uuid4()
    page = _page(
        *(
            {
                "entity_type": "directory_organization",
                "entity_id": str(key),
                "operation": "upsert",
                "payload": {"id": str(key), "name": name, "translations": {}},
            }
            for key, name in ((bad, {"fr": "Entraide"}), (good, "Entraide nationale"))
        )
    )
    report = apply_page(office.store, office.system, office.office_id, page)
    assert (report.applied, report.conflicts) == (1, 1)
    with office.store.session() as session:
        assert session.get(Organization, good) is not None
        assert session.get(Organization, bad) is None
    [conflict] = state.conflicts(office.store)
    assert (conflict["entity_id"], conflict["reason"]) == (str(bad), "not_applicable")
    assert state.status(office.store)["cursor"] == 2


def test_an_empty_value_for_a_required_column_is_set_aside(office: OfficeContext) -> None:
    account_id = str(uuid.uuid4())
    empty = {"id": account_id, "name": "youssef", "role": "officer", "password_hash": None}
    page = _page(
        {
            "entity_type": "user_account",
            "entity_id": account_id,
            "operation": "upsert",
            "payload": empty,
        },
        _setting("sync.interval_minutes", 12),
    )
    report = apply_page(office.store, office.system, office.office_id, page)
    assert (report.applied, report.conflicts) == (1, 1)
    assert office.settings.get("sync.interval_minutes") == 12
    with office.store.session() as session:
        assert session.get(UserAccount, uuid.UUID(account_id)) is None


def test_a_pulled_address_keeps_its_commune_s_hcp_code(office: OfficeContext) -> None:
    location_id = uuid.uuid4()
    address = {
        "location_id": str(location_id),
        "address_1": "Avenue Hassan II",
        "city": "أيت ملول",
        "state_province": "Souss-Massa",
        "postal_code": "80150",
        "country": "MA",
        "address_type": "physical",
        "commune": "Aït Melloul",  # a region that stored names
    }
    elsewhere = {**address, "city": "Marrakech", "commune": None}
    keys = uuid.uuid4(), uuid.uuid4()
    changes = [
        {
            "entity_type": "directory_location",
            "entity_id": str(location_id),
            "operation": "upsert",
            "payload": {"id": str(location_id), "location_type": "physical"},
        },
        *(
            {
                "entity_type": "directory_address",
                "entity_id": str(key),
                "operation": "upsert",
                "payload": {**payload, "id": str(key)},
            }
            for key, payload in zip(keys, (address, elsewhere), strict=True)
        ),
    ]
    report = apply_page(office.store, office.system, office.office_id, _page(*changes))
    assert (report.applied, report.conflicts) == (3, 0)
    with office.store.session() as session:
        communes = [session.get(Address, key).commune for key in keys]  # type: ignore[union-attr]
    assert communes == ["09.273.01.05", None]  # Marrakech stays the city's
