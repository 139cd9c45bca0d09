"""The ``baom queue`` and ``baom ticket`` commands, run as the tests of the issue run them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.e2e.test_cli import baom
from tests.helpers.sync_office import ACCOUNT


def _json(data_dir: Path, *args: str) -> Any:
    return json.loads(baom(data_dir, *args, "--json").stdout)


def test_a_visitor_takes_a_ticket_and_an_officer_serves_it(tmp_path: Path) -> None:
    baom(tmp_path, "office", "init", "BAOM Taliouine", "--admin", ACCOUNT[0])
    reasons = _json(tmp_path, "queue", "reasons")
    health = next(reason for reason in reasons if reason["key"] == "health")
    assert set(health["labels"]) == {"ar", "fr", "en", "zgh"}
    assert {"key", "prefix", "counters", "target_wait_min"} <= set(health)

    first = _json(tmp_path, "ticket", "take", "--reason", "health", "--lang", "ar")
    assert set(first) == {"ticket_id", "number", "reason", "position", "estimated_wait_min"}
    assert (first["number"], first["position"]) == ("D001", 0)
    second = _json(tmp_path, "ticket", "take", "--reason", "health", "--priority")
    assert (second["number"], second["position"]) == ("D002", 0)

    called = _json(tmp_path, "queue", "call-next", "--counter", "1")["ticket"]
    assert (called["number"], called["state"], called["counter"]) == ("D002", "called", 1)
    assert _json(tmp_path, "queue", "start", "D002")["ticket"]["state"] == "serving"
    moved = _json(tmp_path, "queue", "transfer", "D002", "--reason", "legal_aid")["ticket"]
    assert (moved["number"], moved["reason"], moved["state"]) == ("D002", "legal_aid", "waiting")
    assert _json(tmp_path, "queue", "cancel", first["ticket_id"])["ticket"]["state"] == "cancelled"

    status = _json(tmp_path, "queue", "status")
    assert [ticket["number"] for ticket in status["waiting"]] == ["D002"]
    assert status["called"] == status["serving"] == []
    assert _json(tmp_path, "queue", "call-next", "--counter", "2")["ticket"]["number"] == "D002"
    assert _json(tmp_path, "queue", "call-next", "--counter", "2") == {"ticket": None}

    closed = _json(tmp_path, "queue", "close-day")["closed"]
    assert [ticket["number"] for ticket in closed] == ["D002"]
    stats = _json(tmp_path, "queue", "stats")
    overall = stats["overall"]
    assert (overall["tickets"], overall["cancelled"], overall["closed"]) == (2, 1, 1)
    assert stats["by_reason"]["legal_aid"]["tickets"] == 1
    past = _json(tmp_path, "queue", "stats", "--date", "2026-01-05")
    assert (past["day"], past["overall"]["tickets"]) == ("2026-01-05", 0)


def test_a_refused_transition_exits_1_with_the_ticket_state_and_action(tmp_path: Path) -> None:
    baom(tmp_path, "office", "init", "BAOM Ammeln", "--admin", ACCOUNT[0])
    baom(tmp_path, "ticket", "take", "--reason", "civil_registration")
    refused = baom(tmp_path, "queue", "done", "B001", "--json", check=False)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert "ticket B001 is waiting: done refused" in refused.stderr
    assert "Traceback" not in refused.stderr

    unknown = baom(tmp_path, "queue", "recall", "B404", check=False)
    assert unknown.returncode == 1 and "there is no ticket B404 today" in unknown.stderr
    bad_reason = baom(tmp_path, "ticket", "take", "--reason", "tourism", check=False)
    assert bad_reason.returncode == 1 and "no reason of visit 'tourism'" in bad_reason.stderr


def test_an_office_reasons_file_with_a_mistake_is_reported(tmp_path: Path) -> None:
    baom(tmp_path, "office", "init", "BAOM Ouijjane", "--admin", ACCOUNT[0])
    (tmp_path / "config" / "reasons.toml").write_text("[[counter]]\nnumber = 0\n")
    result = baom(tmp_path, "queue", "reasons", check=False)
    assert result.returncode == 1
    assert "counter #1: number must be 1 or more" in result.stderr
    assert "Traceback" not in result.stderr


def test_call_next_names_the_ticket_in_service_unless_told_what_becomes_of_it(
    tmp_path: Path,
) -> None:
    baom(tmp_path, "office", "init", "BAOM Tata", "--admin", ACCOUNT[0])
    for _ in range(2):
        baom(tmp_path, "ticket", "take", "--reason", "health")
    baom(tmp_path, "queue", "call-next", "--counter", "1")
    baom(tmp_path, "queue", "start", "D001")
    refused = baom(tmp_path, "queue", "call-next", "--counter", "1", "--json", check=False)
    assert refused.returncode == 1 and refused.stdout == ""
    assert "counter 1 is still serving D001" in refused.stderr and "--then" in refused.stderr
    assert [t["number"] for t in _json(tmp_path, "queue", "status")["serving"]] == ["D001"]
    answer = _json(tmp_path, "queue", "call-next", "--counter", "1", "--then", "done")
    assert (answer["ticket"]["number"], answer["ticket"]["state"]) == ("D002", "called")
    assert (answer["ended"]["number"], answer["ended"]["state"]) == ("D001", "done")
    assert _json(tmp_path, "queue", "status")["serving"] == []
