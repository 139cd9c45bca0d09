"""Export: HSDS 3.0 JSON valid against the official schemas; a round trip loses nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import select

from db.directory import hsds_table
from db.store import Store
from db.uow import Actor
from kiosk.directory.export import JSON_FILES, export_json, export_tabular
from kiosk.directory.importer import import_directory
from kiosk.directory_cli import demo_directory
from protocol.directory.hsds import SPECS
from tests.helpers.hsds import HSDS
from tests.unit.kiosk.directory.conftest import EmptyDatabase, copy_of

SCHEMAS = HSDS / "schema"


def _validator(schema: str) -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resources(
        (path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT202012))
        for path in SCHEMAS.glob("*.json")
    )
    return Draft202012Validator({"$ref": schema}, registry=registry)


def _dump(store: Store) -> dict[str, list[dict[str, Any]]]:
    with store.session() as session:
        return {
            name: [
                dict(row) for row in session.execute(select(table).order_by(table.c.id)).mappings()
            ]
            for name, table in ((name, hsds_table(name)) for name in SPECS)
        }


@pytest.fixture
def full(store: Store, actor: Actor) -> Store:
    """The demo directory and the official tabular example together."""
    import_directory(store, actor, demo_directory())
    import_directory(store, actor, HSDS / "spec-3.0-examples" / "csv")
    return store


def test_the_json_export_validates_against_the_official_schemas(
    full: Store, tmp_path: Path
) -> None:
    with full.session() as session:
        counts = export_json(session, tmp_path)
    assert set(counts) == set(JSON_FILES.values()) and counts["services.json"] > 80
    for table, file in JSON_FILES.items():
        validator = _validator(f"{table}.json")
        for item in json.loads((tmp_path / file).read_text()):
            errors = [error.message for error in validator.iter_errors(item)]
            assert errors == [], (file, item["id"], errors)


def test_an_exported_address_names_its_city_and_gives_its_commune_s_code(
    full: Store, tmp_path: Path
) -> None:
    with full.session() as session:
        export_json(session, tmp_path)
    addresses = [
        address
        for location in json.loads((tmp_path / "locations.json").read_text())
        for address in location["addresses"]
    ]
    by_city = {address["city"]: address.get("baom_commune") for address in addresses}
    assert by_city["Taliouine"] == "09.541.01.11"
    assert by_city["Ouled Berhil"] == "09.541.01.07"  # the city as the data spells it
    assert by_city["MyCity"] is None  # the official example: no commune of Souss-Massa
    validator = _validator("address.json")
    assert all(list(validator.iter_errors(address)) == [] for address in addresses)


def test_the_validator_does_reject_a_bad_service() -> None:
    errors = list(
        _validator("service.json").iter_errors({"id": "x", "name": "n", "status": "open"})
    )
    assert errors


@pytest.mark.parametrize("kind", ["hsds-json", "hsds-csv"])
def test_import_export_import_loses_nothing(
    full: Store, actor: Actor, tmp_path: Path, kind: str, empty_database: EmptyDatabase
) -> None:
    folder = tmp_path / kind
    with full.session() as session:
        (export_json if kind == "hsds-json" else export_tabular)(session, folder)
    copy = copy_of(empty_database, tmp_path / "copy")
    report = import_directory(copy, actor, folder, kind)
    assert report.skipped == 0
    assert _dump(copy) == _dump(full)
    again = import_directory(copy, actor, folder, kind)
    assert (again.created, again.updated) == (0, 0)
    copy.close()


def test_zero_is_kept_as_a_value(store: Store, actor: Actor, tmp_path: Path) -> None:
    service = {
        "id": "0000000b-0000-4000-8000-000000000001",
        "name": "Consultation gratuite",
        "status": "active",
        "minimum_age": 0,
        "cost_options": [{"id": "0000000d-0000-4000-8000-000000000001", "amount": 0}],
    }
    (tmp_path / "services.json").write_text(json.dumps([service]))
    import_directory(store, actor, tmp_path / "services.json")
    with store.session() as session:
        export_json(session, tmp_path / "out")
    exported = json.loads((tmp_path / "out" / "services.json").read_text())[0]
    assert exported["minimum_age"] == 0 and exported["cost_options"][0]["amount"] == 0
