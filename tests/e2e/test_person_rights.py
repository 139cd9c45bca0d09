"""A person's rectification reaches the region like any change, sealed: after a sync, the
region holds the correction's envelope and can read none of the values, old or new, nor
the reason. A real server process, on SQLite."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.helpers import regional
from tests.helpers.intake import answers
from tests.helpers.sync_office import baom, baom_json, enrolled_office

OLD, NEW, REASON = "Qzoldmarker", "Qznewmarker", "Reasonmarkerzq"


def test_a_rectification_travels_to_the_region_sealed(tmp_path: Path) -> None:
    office = tmp_path / "office"
    with regional.running_server(tmp_path / "regional") as server:
        enrolled_office(office, server)
        path = tmp_path / "answers.json"
        path.write_text(json.dumps(answers(person__family_name=OLD)), encoding="utf-8")
        person = baom_json(office, "intake", "submit", str(path))["person_id"]
        baom(office, "sync", "--once", "--json")

        rectified = baom_json(
            office, "person", "rectify", person, "family_name", NEW, "--reason", REASON
        )
        assert rectified["changed"] is True
        # the person, its correction, and three audit entries (of each, and of the act)
        assert baom_json(office, "sync", "status")["pending"] == 5
        assert baom_json(office, "sync", "--once")["ok"] is True
        assert baom_json(office, "sync", "status")["pending"] == 0
        assert baom_json(office, "sync", "quarantined") == []

        database = Path(server.db_url.removeprefix("sqlite:///"))
        with sqlite3.connect(database) as connection:
            versions = dict(
                connection.execute(
                    "SELECT entity_type, max(version) FROM envelope"
                    " WHERE entity_type IN ('person', 'person_change') GROUP BY entity_type"
                ).fetchall()
            )
    assert versions == {"person": 2, "person_change": 1}
    held = b"".join(
        file.read_bytes() for file in database.parent.glob(database.name + "*") if file.is_file()
    )
    for marker in (OLD, NEW, REASON):
        assert marker.encode() not in held, marker
