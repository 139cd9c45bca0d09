"""``baom person erase|restrict|unrestrict`` and ``baom privacy run-retention|hold|release``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.e2e.test_cli import baom
from tests.helpers.intake import answers
from tests.helpers.sync_office import ACCOUNT


def _json(data_dir: Path, *args: str) -> Any:
    return json.loads(baom(data_dir, *args, "--json").stdout)


def _intake(data: Path, folder: Path, name: str) -> dict[str, Any]:
    path = folder / f"{name}.json"
    path.write_text(json.dumps(answers(person__given_name=name)), encoding="utf-8")
    saved: dict[str, Any] = _json(data, "intake", "submit", str(path))
    return saved


def test_a_person_is_restricted_lifted_and_erased_at_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "office"
    baom(data, "office", "init", "BAOM Ouijjane", "--admin", ACCOUNT[0])
    saved = _intake(data, tmp_path, "Zorglub")
    person = saved["person_id"]

    refused = baom(data, "person", "restrict", person, "--reason", "because", check=False)
    assert refused.returncode == 2 and "--reason: invalid choice: 'because'" in refused.stderr
    assert _json(data, "person", "restrict", person, "--reason", "objection") == {
        "person_id": person,
        "restricted": "objection",
    }
    assert _json(data, "person", "search", "Zorglub") == []
    baom(data, "person", "unrestrict", person, "--reason", "objection_settled")
    assert [hit["person_id"] for hit in _json(data, "person", "search", "Zorglub")] == [person]

    erased = _json(data, "person", "erase", person, "--reason", "person_request")
    assert erased["person_id"] == person and erased["facts_kept"] is True
    again = baom(data, "person", "erase", person, "--reason", "person_request", check=False)
    assert again.returncode == 1 and again.stderr.strip() == (
        f"baom: person {person} was erased already"
    )
    assert "Traceback" not in again.stderr
    assert _json(data, "person", "search", "Zorglub") == []


def test_the_retention_run_counts_and_a_held_case(tmp_path: Path) -> None:
    data = tmp_path / "office"
    baom(data, "office", "init", "BAOM Ouijjane", "--admin", ACCOUNT[0])
    code = _intake(data, tmp_path, "Recent")["case_code"]
    baom(data, "case", "close", code, "--reason", "need_met")
    held = _json(data, "privacy", "hold", code, "--reason", "legal_claim")
    assert held["held"] == "legal_claim"
    due = _json(data, "privacy", "run-retention", "--dry-run")
    assert due == {
        "persons_anonymised": 0,
        "drafts_deleted": 0,
        "cases_held": 0,  # closed today: not due, so not counted as held either
        "dry_run": True,
        "due_cases": [],
    }
    refused = baom(data, "config", "set", "retention.closed_case_months", "0", check=False)
    assert refused.returncode == 1 and "retention.closed_case_months: must be at least 1" in (
        refused.stderr
    )
    done = _json(data, "privacy", "run-retention")
    assert done["dry_run"] is False and done["persons_anonymised"] == 0
    baom(data, "privacy", "release", code)
    refused = baom(data, "privacy", "release", code, check=False)
    assert refused.returncode == 1 and f"case {code} is not held" in refused.stderr
