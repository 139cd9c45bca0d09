"""Exporting the directory: HSDS 3.0 JSON (one array per type) and a tabular data package.

Empty values are left out (HSDS fields are never ``null``); profile columns carry their
``baom_`` names. In the JSON form every record is nested under each record it points at
(a phone under its service and its location); importing merges those copies again.
"""

from __future__ import annotations

import csv
import json
import uuid
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.directory import hsds_table
from protocol.directory.hsds import SPECS, TableSpec, empty, exported_name

JSON_FILES = {
    "service": "services.json",
    "organization": "organizations.json",
    "location": "locations.json",
    "service_at_location": "service_at_locations.json",
    "taxonomy": "taxonomies.json",
    "taxonomy_term": "taxonomy_terms.json",
}


def _value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "value"):  # an enum
        return value.value
    return value


def _record(spec: TableSpec, row: dict[str, Any]) -> dict[str, Any]:
    return {exported_name(key): _value(value) for key, value in row.items() if not empty(value)}


def _load(session: Session) -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    for name in SPECS:
        table = hsds_table(name)
        rows[name] = [
            dict(row) for row in session.execute(select(table).order_by(table.c.id)).mappings()
        ]
    return rows


class _Nester:
    """Builds full HSDS objects: each record with the records nested under it."""

    def __init__(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        self.children: dict[tuple[str, str], dict[Any, list[dict[str, Any]]]] = {}
        for spec in SPECS.values():
            for child in spec.children:
                index: dict[Any, list[dict[str, Any]]] = defaultdict(list)
                for row in rows[child.table]:
                    index[row[child.parent_field]].append(row)
                self.children[(child.table, child.parent_field)] = index

    def full(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        """``row`` as an HSDS object of type ``table``, with its nested records."""
        spec = SPECS[table]
        result = _record(spec, row)
        for child in spec.children:
            if child.table == "service" or child.table == "location":
                continue  # listed in their own files
            nested = self.children[(child.table, child.parent_field)].get(row["id"], [])
            if nested:
                result[child.key] = [self.full(child.table, item) for item in nested]
        return result


def export_json(session: Session, folder: Path) -> dict[str, int]:
    """Write the six HSDS 3.0 JSON files into ``folder``; returns the count per file."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = _load(session)
    nester = _Nester(rows)
    counts = {}
    for table, file in JSON_FILES.items():
        objects = [nester.full(table, row) for row in rows[table]]
        text = json.dumps(objects, ensure_ascii=False, indent=1)
        (folder / file).write_text(text + "\n", encoding="utf-8")
        counts[file] = len(objects)
    return counts


def _cell(value: Any) -> str:
    value = _value(value)
    if empty(value):
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if value is True:
        return "true"
    return str(value)


def export_tabular(session: Session, folder: Path) -> dict[str, int]:
    """Write one CSV per table and a ``datapackage.json`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = _load(session)
    resources, counts = [], {}
    for name, spec in SPECS.items():
        header = [exported_name(column) for column in spec.columns]
        with (folder / spec.export_file).open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(header)
            writer.writerows([_cell(row[column]) for column in spec.columns] for row in rows[name])
        fields = [{"name": column, "type": "string"} for column in header]
        resources.append(
            {"name": name, "path": spec.export_file, "format": "csv", "schema": {"fields": fields}}
        )
        counts[spec.export_file] = len(rows[name])
    package = {
        "name": "baom-directory",
        "title": "BAOM service directory (HSDS 3.0 with the BAOM profile)",
        "profile": "tabular-data-package",
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(json.dumps(package, indent=1) + "\n", encoding="utf-8")
    return counts
