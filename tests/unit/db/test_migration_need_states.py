"""Migration 0011 (need states): a need met stays met down and up again."""

from __future__ import annotations

import sqlalchemy as sa

from db import migrate
from kiosk.cases import work
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.office import OfficeContext
from tests.helpers.intake import answers


def _flags(office: OfficeContext, column: str) -> dict[str, object]:
    with office.store.engine.connect() as connection:
        rows = connection.execute(sa.text(f"SELECT need_key, {column} FROM case_need"))
        return {key: value for key, value in rows}


def test_a_need_met_stays_met_through_a_downgrade_and_an_upgrade(office: OfficeContext) -> None:
    saved = submit_intake(office.store, office.system, IntakeRequest(answers()))
    assert saved.case_code
    work.set_need_state(office, office.system, saved.case_code, "health", "met")
    work.set_need_state(
        office, office.system, saved.case_code, "civil_registration", "not_met", "other"
    )

    migrate.downgrade(office.store, "0010")
    assert _flags(office, "met") == {"health": 1, "civil_registration": 0}
    with office.store.engine.begin() as connection:
        connection.execute(sa.text("UPDATE case_need SET met = 1"))
        tables = sa.inspect(connection).get_table_names()
    assert "case_need_event" not in tables

    migrate.upgrade(office.store)
    assert _flags(office, "state") == {"health": "met", "civil_registration": "met"}
    assert _flags(office, "reason") == {"health": "", "civil_registration": ""}
