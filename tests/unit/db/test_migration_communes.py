"""Migration 0015 (communes by HCP code): names recognised become codes, others are kept."""

from __future__ import annotations

import sqlalchemy as sa

from db import migrate
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.office import OfficeContext
from tests.helpers.intake import answers


def _communes(office: OfficeContext, table: str) -> dict[str, str]:
    with office.store.engine.connect() as connection:
        rows = connection.execute(sa.text(f"SELECT given_name, commune FROM {table}"))
        return {name: commune for name, commune in rows}


def _office_commune(office: OfficeContext) -> str:
    with office.store.engine.connect() as connection:
        return str(connection.execute(sa.text("SELECT commune FROM office")).scalar_one())


def test_names_become_hcp_codes_and_other_text_is_kept(office: OfficeContext) -> None:
    typed = {
        "Awa": "Tiznit",
        "Binta": "أولاد تايمة",
        "Chantal": "ait-melloul",
        "Dieynaba": "Marrakech",
        "Esther": "",
    }
    for name in typed:
        submit_intake(office.store, office.system, IntakeRequest(answers(person__given_name=name)))
    assert _office_commune(office) == "09.541.01.11"  # Taliouine, set up by its name

    migrate.downgrade(office.store, "0014")
    assert _office_commune(office) == "Taliouine"
    assert set(_communes(office, "person").values()) == {"Taliouine"}
    with office.store.engine.begin() as connection:  # as a version before 0015 saved them
        for name, commune in typed.items():
            connection.execute(
                sa.text("UPDATE person SET commune = :commune WHERE given_name = :name"),
                {"commune": commune, "name": name},
            )

    migrate.upgrade(office.store)
    assert _communes(office, "person") == {
        "Awa": "09.581.01.07",
        "Binta": "09.541.01.09",
        "Chantal": "09.273.01.05",
        "Dieynaba": "Marrakech",
        "Esther": "",
    }
    assert _office_commune(office) == "09.541.01.11"
