"""A directory address's commune is kept as its HCP code, whatever spelling the data uses."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select

from db import directory as d
from db import migrate
from db.store import Store
from db.uow import Actor
from kiosk.directory.importer import import_directory
from kiosk.directory.search import SearchQuery, search

AIT_MELLOUL = "09.273.01.05"


def _service(number: int, address: dict[str, Any]) -> dict[str, Any]:
    """A service with one place whose address says ``address`` of its commune."""
    key = f"0000000c-0000-4000-8000-{number:012d}"
    return {
        "id": key,
        "name": f"Service {number}",
        "status": "active",
        "service_at_locations": [
            {
                "id": f"0000000d-0000-4000-8000-{number:012d}",
                "location": {
                    "id": f"0000000e-0000-4000-8000-{number:012d}",
                    "location_type": "physical",
                    "addresses": [
                        {
                            "id": f"0000000f-0000-4000-8000-{number:012d}",
                            "address_1": f"{number} rue principale",
                            "state_province": "Souss-Massa",
                            "postal_code": "80000",
                            "country": "MA",
                            "address_type": "physical",
                            **address,
                        }
                    ],
                },
            }
        ],
    }


PLACES = [
    {"city": "Aït Melloul", "baom_commune": "Aït Melloul"},
    {"city": "Ait Melloul", "baom_commune": "ait-melloul"},
    {"city": "أيت ملول", "baom_commune": "أيت ملول"},
    {"city": "AIT MELLOUL"},  # no commune: the city names it
    {"city": "Ait Melloul", "baom_commune": AIT_MELLOUL},
    {"city": "Marrakech", "baom_commune": "Marrakech"},  # not of Souss-Massa
    {"city": "Douar Tagadirt"},  # a place that is no commune
]


def _communes(store: Store) -> dict[str, str | None]:
    with store.session() as session:
        rows = session.execute(select(d.Address.address_1, d.Address.commune))
        return {street.split()[0]: commune for street, commune in rows}


def test_names_in_every_spelling_and_script_land_on_one_code(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    package = tmp_path / "services.json"
    package.write_text(json.dumps([_service(n, p) for n, p in enumerate(PLACES, 1)]), "utf-8")
    import_directory(store, actor, package)
    assert _communes(store) == {
        "1": AIT_MELLOUL,
        "2": AIT_MELLOUL,
        "3": AIT_MELLOUL,
        "4": AIT_MELLOUL,
        "5": AIT_MELLOUL,
        "6": "Marrakech",
        "7": None,
    }
    again = import_directory(store, actor, package)
    assert (again.created, again.updated) == (0, 0)  # the codes are what the package says

    with store.session() as session:
        by_code = search(session, SearchQuery(commune=AIT_MELLOUL, limit=50, language="ar"))
        by_name = search(session, SearchQuery(commune="آيت ملول", limit=50))
        elsewhere = search(session, SearchQuery(commune="marrakech", limit=50))
        service = uuid.UUID(f"0000000c-0000-4000-8000-{7:012d}")
        douar = search(session, SearchQuery(text="service 7", limit=1))
    assert sorted(hit.name for hit in by_code) == [f"Service {n}" for n in range(1, 6)]
    assert {(hit.commune, hit.commune_code) for hit in by_code} == {("آيت ملول", AIT_MELLOUL)}
    assert [hit.service_id for hit in by_name] == [hit.service_id for hit in by_code]
    assert [(hit.name, hit.commune, hit.commune_code) for hit in elsewhere] == [
        ("Service 6", "Marrakech", "Marrakech")
    ]
    assert [(hit.service_id, hit.commune) for hit in douar] == [(service, "Douar Tagadirt")]


def test_the_migration_gives_existing_addresses_their_code(
    store: Store, actor: Actor, tmp_path: Path
) -> None:
    package = tmp_path / "services.json"
    package.write_text(json.dumps([_service(n, p) for n, p in enumerate(PLACES, 1)]), "utf-8")
    import_directory(store, actor, package)
    migrate.downgrade(store, "0015")
    assert set(_communes(store).values()) == {"Ait Melloul", "Marrakech", None}
    with store.session() as session:  # the index of a version before 0016: names
        facets = " ".join(session.scalars(select(d.SearchDocument.facets)))
    assert "commune_ait_melloul" in facets and "commune_09_273_01_05" not in facets
    typed = {"1": "Aït Melloul", "2": "ait-melloul", "3": "أيت ملول", "6": "Marrakech"}
    with store.engine.begin() as connection:  # as a version before 0016 saved them
        for number, commune in typed.items():
            connection.execute(
                sa.text("UPDATE hsds_address SET commune = :commune WHERE address_1 LIKE :n"),
                {"commune": commune, "n": f"{number} %"},
            )

    migrate.upgrade(store)
    assert _communes(store) == {
        "1": AIT_MELLOUL,
        "2": AIT_MELLOUL,
        "3": AIT_MELLOUL,
        "4": AIT_MELLOUL,  # its city names it
        "5": AIT_MELLOUL,
        "6": "Marrakech",
        "7": None,
    }
    with store.session() as session:
        found = search(session, SearchQuery(commune=AIT_MELLOUL, limit=50))
    assert sorted(hit.name for hit in found) == [f"Service {n}" for n in range(1, 6)]
    assert {hit.commune for hit in found} == {"Ait Melloul"}
