"""A person's rectification reaches the region like any change, sealed: after a sync, the
region holds the correction's envelope and can read none of the values, old or new, nor
the reason; a second PC of the office gets the correction back whole, and its export for
the person shows it. A real server process, on SQLite."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

from tests.e2e.test_restore import restore
from tests.helpers import regional
from tests.helpers.intake import answers
from tests.helpers.sync_office import ACCOUNT, baom, baom_json

OLD, NEW, REASON = "Qzoldmarker", "Qznewmarker", "Reasonmarkerzq"


def test_a_rectification_travels_to_the_region_sealed_and_back_whole(tmp_path: Path) -> None:
    first, second = tmp_path / "counter-1", tmp_path / "counter-2"
    with regional.running_server(tmp_path / "regional") as server:
        made = baom_json(first, "office", "init", "BAOM Tiznit", "--admin", ACCOUNT[0])
        office_id, code = regional.add_office(server.db_url, "BAOM Tiznit")
        baom(first, "enrol", "--server", server.url, "--code", code)
        path = tmp_path / "answers.json"
        path.write_text(json.dumps(answers(person__family_name=OLD)), encoding="utf-8")
        person = baom_json(first, "intake", "submit", str(path))["person_id"]
        baom(first, "sync", "--once", "--json")

        rectified = baom_json(
            first, "person", "rectify", person, "family_name", NEW, "--reason", REASON
        )
        assert rectified["changed"] is True
        # the person, its correction, and four audit entries (the login, of each, of the act)
        assert baom_json(first, "sync", "status")["pending"] == 6
        assert baom_json(first, "sync", "--once")["ok"] is True
        assert baom_json(first, "sync", "status")["pending"] == 0
        assert baom_json(first, "sync", "quarantined") == []

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
            file.read_bytes()
            for file in database.parent.glob(database.name + "*")
            if file.is_file()
        )
        for marker in (OLD, NEW, REASON):
            assert marker.encode() not in held, marker

        adding = ("office", "code", office_id, "--add-machine", "--db", server.db_url, "--json")
        joining = subprocess.run(
            [*regional.command(), *adding], capture_output=True, text=True, check=True
        )
        done = restore(
            second, server, json.loads(joining.stdout)["enrolment_code"], made["recovery_key"]
        )
        assert done.returncode == 0, done.stderr

    out = tmp_path / "copy.json"
    baom(second, "person", "export", person, "--out", str(out))
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["person"]["family_name"] == NEW
    (correction,) = record["corrections"]
    assert (correction["previous"], correction["reason"]) == ({"family_name": OLD}, REASON)
