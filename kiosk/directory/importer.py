"""Importing a directory package into the office database, in one transaction.

Rows are compared with what the database holds, so a second import of the same package
writes nothing. The import only adds and updates (a row absent from the package stays).
An address keeps its commune as its HCP code (from ``baom_commune``, else from the city:
:func:`protocol.communes.address_commune`).
Directory rows are shared data from the region, not office records: they are written in
bulk without outbox envelopes, and the import leaves one audit entry. The search index of
every service the import touched is rebuilt in the same transaction.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from db.directory import MODELS, hsds_table
from db.store import Store
from db.uow import Actor
from kiosk.directory.index import affected_services, reindex
from protocol.communes import address_commune
from protocol.directory.clean import Cleaner
from protocol.directory.hsds import SPECS
from protocol.directory.reader import ReportLine, read_package

_CHUNK = 500


@dataclass
class ImportReport:
    """What an import did: counts of records, and one line per skipped or defaulted row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    warnings: list[ReportLine] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The report as printed by ``baom directory import --json``."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "warnings": [asdict(warning) for warning in self.warnings],
        }


def _existing_rows(session: Session, table: Table, ids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    found: dict[uuid.UUID, Any] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for row in session.execute(select(table).where(table.c.id.in_(chunk))).mappings():
            found[row["id"]] = dict(row)
    return found


class _ExistingIds:
    """The ids each table holds, read once per table when the cleaner first asks."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._ids: dict[str, set[uuid.UUID]] = {}

    def __call__(self, table: str) -> set[uuid.UUID]:
        if table not in self._ids:
            query = select(hsds_table(table).c.id) if table in SPECS else None
            self._ids[table] = set(self._session.scalars(query)) if query is not None else set()
        return self._ids[table]


def import_directory(store: Store, actor: Actor, path: Path, kind: str = "auto") -> ImportReport:
    """Import the package at ``path`` (see :func:`read_package`) and report what changed."""
    package = read_package(path, kind)
    report = ImportReport()
    with store.unit_of_work(actor) as uow:
        session = uow.session
        cleaner = Cleaner(package, _ExistingIds(session))
        cleaned = cleaner.run()
        report.skipped = cleaner.skipped
        for address in cleaned["address"].values():
            address["commune"] = address_commune(address["commune"], address["city"])
        changed: dict[str, set[uuid.UUID]] = {}
        for name in SPECS:
            rows = cleaned[name]
            table = hsds_table(name)
            existing = _existing_rows(session, table, list(rows))
            new = [row for key, row in rows.items() if key not in existing]
            different = [
                row for key, row in rows.items() if key in existing and existing[key] != row
            ]
            if new:
                session.execute(insert(table), new)
            if different:
                session.execute(update(MODELS[name]), different)
            report.created += len(new)
            report.updated += len(different)
            report.unchanged += len(rows) - len(new) - len(different)
            changed[name] = {row["id"] for row in (*new, *different)}
        reindex(session, affected_services(session, changed))
        summary = f"{path.name}: +{report.created} ~{report.updated} ={report.unchanged}"
        uow.audit("directory_import", detail=summary[:200])
    report.warnings = package.warnings
    return report
