"""The service directory on the server: its source of truth, distributed as changes.

An HSDS package is read and cleaned as the office does it (``protocol.directory``); each cleaned
row is kept per table as canonical JSON. Every row created or changed becomes a
``directory_<table>`` change in the sequence (for every office); re-importing the same
package adds nothing. With ``replace``, rows missing from the package are deleted and
become tombstones.
"""

from __future__ import annotations

import enum
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from protocol.directory.clean import Cleaner
from protocol.directory.hsds import SPECS
from protocol.directory.reader import read_package
from regional.changes import append_many
from regional.models import DirectoryRow


@dataclass
class DirectoryReport:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The report as printed by ``baom-regional directory import --json``."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "skipped": self.skipped,
            "warnings": self.warnings,
        }


def json_ready(value: Any) -> Any:
    """A cleaned value as JSON: UUIDs, dates and times as strings."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {str(key): json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    return value


def _canonical(row: dict[str, Any]) -> str:
    return json.dumps(json_ready(row), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _stored(session: Session, table: str) -> dict[str, str]:
    rows = session.execute(
        select(DirectoryRow.row_id, DirectoryRow.payload).where(DirectoryRow.table_name == table)
    ).all()
    return {row_id: payload for row_id, payload in rows}


def import_directory(
    session: Session, path: Path, now: datetime, replace: bool = False, kind: str = "auto"
) -> DirectoryReport:
    """Import the HSDS package at ``path`` in ``session``'s transaction (the caller commits)."""
    package = read_package(path, kind)
    stored = {name: _stored(session, name) for name in SPECS}
    cleaner = Cleaner(package, lambda table: {uuid.UUID(key) for key in stored.get(table, {})})
    cleaned = cleaner.run()
    report = DirectoryReport(skipped=cleaner.skipped)
    changes: list[dict[str, Any]] = []
    for name in SPECS:
        have = stored[name]
        entity_type = f"directory_{name}"
        new_rows: list[dict[str, str]] = []
        changed_rows: list[dict[str, str]] = []
        for key, row in cleaned[name].items():
            row_id, text = str(key), _canonical(row)
            if have.get(row_id) == text:
                report.unchanged += 1
                continue
            target = new_rows if row_id not in have else changed_rows
            target.append({"table_name": name, "row_id": row_id, "payload": text})
            changes.append(_change(entity_type, row_id, "upsert", json.loads(text), now))
        if new_rows:
            session.execute(insert(DirectoryRow), new_rows)
        for item in changed_rows:
            session.execute(
                update(DirectoryRow)
                .where(DirectoryRow.table_name == name, DirectoryRow.row_id == item["row_id"])
                .values(payload=item["payload"])
            )
        report.created += len(new_rows)
        report.updated += len(changed_rows)
        if replace:
            gone = sorted(set(have) - {str(key) for key in cleaned[name]})
            for row_id in gone:
                session.execute(
                    delete(DirectoryRow).where(
                        DirectoryRow.table_name == name, DirectoryRow.row_id == row_id
                    )
                )
                changes.append(_change(entity_type, row_id, "delete", None, now))
            report.deleted += len(gone)
    append_many(session, None, changes)
    report.warnings = [
        f"{line.file}:{line.row or ''} {line.field} {line.reason}".strip()
        for line in package.warnings
    ]
    return report


def _change(
    entity_type: str, row_id: str, operation: str, payload: dict[str, Any] | None, now: datetime
) -> dict[str, Any]:
    return {
        "office_id": None,
        "entity_type": entity_type,
        "entity_id": row_id,
        "operation": operation,
        "payload": payload,
        "at": now,
    }
