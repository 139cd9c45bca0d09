"""The itinerary commands: the référentiel's templates, an itinerary applied to a case's
need and finished on the command line, and what the office's cases teach about it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.e2e.test_cli import baom
from tests.helpers.intake import answers


def _json(data_dir: Path, *args: str) -> Any:
    return json.loads(baom(data_dir, *args, "--json").stdout)


def test_an_itinerary_applied_and_finished_at_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "office"
    baom(data, "demo", "--no-gui")
    templates = _json(data, "itinerary", "list")
    assert {t["id"] for t in templates} >= {"birth_registration", "mre_pension", "legal_aid"}
    birth = next(t for t in templates if t["id"] == "birth_registration")
    assert set(birth) >= {"id", "need", "title", "steps"} and "declare_birth" in birth["steps"]
    shown = _json(data, "itinerary", "show", "birth_registration")
    assert shown["rules"][0]["review"] == {"by": "legal_partner", "status": "pending"}
    assert [p["path"] for p in shown["branches"][0]["paths"]] == ["declaration", "court"]

    born = (datetime.now(UTC) - timedelta(days=3)).date()
    values = answers(needs=["legal_aid"], household__newborn_birth_date=born.isoformat())
    path = tmp_path / "a.json"
    path.write_text(json.dumps(values), encoding="utf-8")
    code = _json(data, "intake", "submit", str(path))["case_code"]
    case = _json(data, "case", "show", code)
    declare = next(s for s in case["steps"] if s["step"] == "declare_birth")
    assert declare["deadline"] == (born + timedelta(days=30)).isoformat() and declare["due"]

    applied = _json(data, "case", "itinerary", code, "--need", "legal_aid")
    assert applied["template"] == "legal_aid"
    first = applied["steps"][0]
    assert first["step"] == "understand" and first["due"]
    court = _json(
        data, "case", "itinerary", code, "--need", "legal_aid", "--branch", "matter=court"
    )
    assert "aid_request" in [s["step"] for s in court["steps"]]

    refused = baom(data, "case", "step-done", code, "understand", "--skip", check=False)
    assert refused.returncode == 1 and "with a reason" in refused.stderr
    for step in ("understand", "legal_advice", "aid_request", "proceedings"):
        assert (
            _json(data, "case", "step-done", code, step, "--need", "legal_aid")["state"] == "done"
        )
    last = _json(data, "case", "step-done", code, "outcome", "--skip", "--reason", "not_needed")
    assert last["state"] == "skipped" and last["itinerary"]["state"] == "ended"
    baom(data, "case", "need", code, "legal_aid", "--met")
    closed = next(
        view
        for view in _json(data, "case", "show", code)["itineraries"]
        if view["need"] == "legal_aid"
    )
    assert (closed["state"], closed["outcome"]) == ("closed", "met")

    figures = _json(data, "itinerary", "stats", "legal_aid")
    assert figures["itineraries"]["met"] == 1
    steps = {step["step"]: step for step in figures["steps"]}
    assert steps["understand"]["done"] == 1 and steps["understand"]["median_days"] == 0
    assert steps["outcome"]["skipped"] == 1
    assert steps["outcome"]["skip_reasons"] == {"not_needed": 1}
    unknown = baom(data, "itinerary", "show", "nothing", check=False)
    assert unknown.returncode == 1 and "no itinerary template 'nothing'" in unknown.stderr
