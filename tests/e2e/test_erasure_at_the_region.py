"""An erased person is gone from the region too: no sealed copy there opens to their data.

An office enrolled with a real ``baom-regional`` process (SQLite and PostgreSQL) syncs a
person with a marker in the name and a note, erases them with ``baom person erase`` and
syncs again: every sealed copy the server still holds, opened with the office's own data
key (which the region never has), holds neither marker.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from db.office_key import read_recovery_key
from kiosk.office import open_office
from kiosk.paths import Paths
from protocol.privacy import data_key, open_sealed
from tests.e2e.test_what_leaves_the_office import server
from tests.helpers import regional
from tests.helpers.intake import answers
from tests.helpers.postgres import postgresql_server
from tests.helpers.sync_office import baom, baom_json, enrolled_office

__all__ = ["postgresql_server", "server"]  # the fixtures: a server on SQLite and PostgreSQL
NAME, NOTE = "Qzxwverased", "Noteerasedzq"


def _office_key(office: Path) -> bytes:
    context = open_office(Paths.resolve(office))
    try:
        with context.store.session() as session:
            recovery = read_recovery_key(session)
    finally:
        context.close()
    assert recovery is not None
    return data_key(recovery)


def _opened_at_the_region(server: regional.Server, key: bytes) -> str:
    """Every sealed copy the server holds, opened with the office's key, as one text."""
    engine = create_engine(server.db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT entity_type, entity_id, version, sealed FROM envelope")
            ).all()
    finally:
        engine.dispose()
    opened = [
        open_sealed(key, kind, uuid.UUID(str(entity)), version, sealed)
        for kind, entity, version, sealed in rows
        if sealed
    ]
    assert len(opened) > 10  # the region did receive the office's records
    return json.dumps(opened, ensure_ascii=False)


def test_an_erased_persons_sealed_copies_are_destroyed_at_the_region(
    server: regional.Server, tmp_path: Path
) -> None:
    office = tmp_path / "office"
    enrolled_office(office, server)
    path = tmp_path / "answers.json"
    values = answers(person__given_name=NAME, notes=f"{NOTE} came about a birth")
    path.write_text(json.dumps(values), encoding="utf-8")
    saved = baom_json(office, "intake", "submit", str(path))
    baom(office, "case", "note", saved["case_code"], f"{NOTE} called back")
    baom(office, "sync", "--once", "--json")
    key = _office_key(office)
    before = _opened_at_the_region(server, key)
    assert NAME in before and NOTE in before  # what the probe would find

    erased = baom_json(office, "person", "erase", saved["person_id"], "--reason", "person_request")
    assert erased["facts_kept"] is True
    pushed = baom_json(office, "sync", "--once")
    assert pushed["ok"] is True

    after = _opened_at_the_region(server, key)
    assert NAME not in after and NOTE not in after
