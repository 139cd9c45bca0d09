"""Regional statistics: per closed month, from the offices' statistics records alone."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.unit.regional.factories import (
    Clock,
    Enrolled,
    enrolled,
    envelope,
    intake,
    push,
    record,
)
from tests.unit.regional.test_cli import run
from tests.unit.regional.test_region_accounts import add_region_account, piped


def stat(office: Enrolled, month: str = "2026-10", **dims: Any) -> dict[str, Any]:
    """A statistics record's envelope, as ``kiosk.statistics`` makes one."""
    values: dict[str, Any] = {
        "intake_id": "0193c3d5-6f00-7aaa-8bbb-0c1d2e3f4a5b",  # kept at the office (sealed)
        "month": month,
        "category": "rpt",
        "sex": "f",
        "age_band": "18-29",
        "nationality": "SN",
        "commune": "Taliouine",
        "needs": json.dumps(["health"]),
        "outcomes": json.dumps([["health", "done"]]),
        "resolutions": json.dumps([["health", "met"]]),
        **dims,
    }
    kept = {key: value for key, value in values.items() if value is not None}
    return envelope("stat_record", record(office.office_id, **kept))


def test_figures_come_from_statistics_records_only_with_small_cells_hidden(
    client: TestClient, db_url: str, clock: Clock, monkeypatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    agadir = enrolled(client, db_url, "BAOM Agadir", clock())
    tiznit = enrolled(client, db_url, "BAOM Tiznit", clock())
    records = [stat(agadir) for _ in range(9)] + [stat(agadir, sex="m")]
    records += [stat(agadir, category="mre", nationality="MA") for _ in range(2)]
    assert set(push(client, agadir, *records)) == {"accepted"}
    assert set(push(client, tiznit, *[stat(tiznit, sex="m") for _ in range(6)])) == {"accepted"}
    # intakes, even in clear by an office's mistake, count for nothing: they are refused
    leaked = envelope("intake", intake(agadir.office_id, {"person.sex": "f"}), clear=False)
    assert push(client, agadir, leaked) == ["invalid"]

    figures = client.get("/stats?month=2026-10", auth=login).json()
    assert figures["month"] == "2026-10" and figures["threshold"] == 5
    assert figures["total"] == 18
    assert figures["by_office"] == {"BAOM Agadir": 12, "BAOM Tiznit": 6}
    # 16 rpt, 2 mre: the 2 are hidden, and so must be another cell, else 18 - 16 gives them
    assert "mre" not in figures["by_category"] and "rpt" not in figures["by_category"]
    assert figures["by_sex"] == {"f": 11, "m": 7}
    assert figures["by_need"] == {"health": 18}
    assert figures["by_referral_outcome"]["total"] == 18
    assert figures["by_need_resolution"]["cells"] == {"health": {"met": 18}}
    text = json.dumps(figures)
    assert "0193c3d5" not in text


def test_a_month_is_published_once_closed_and_never_changes(
    client: TestClient, db_url: str, clock: Clock, monkeypatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    push(client, office, *[stat(office, month="2026-11") for _ in range(7)])
    early = client.get("/stats?month=2026-11", auth=login)
    assert early.status_code == 404
    assert early.json()["error"] == "not_published"
    assert "2026-12-21" in early.json()["message"]

    clock.advance(timedelta(days=30))  # 2026-12-29: November is published
    first = client.get("/stats?month=2026-11", auth=login).json()
    assert first["total"] == 7
    push(client, office, *[stat(office, month="2026-11") for _ in range(5)])  # late records
    again = client.get("/stats?month=2026-11", auth=login).json()
    assert again == first  # no live counts: a second reading tells nothing new
    assert client.get("/stats", auth=login).json()["month"] == "2026-11"  # the latest one
    assert client.get("/stats?month=2026-13", auth=login).status_code == 422


def test_the_stats_command_prints_the_published_month(
    client: TestClient, db_url: str, clock: Clock, capsys, monkeypatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    push(client, office, *[stat(office) for _ in range(6)])
    piped(monkeypatch, login[1] + "\n")
    code, out, _err = run(
        capsys, "stats", "--month", "2026-10", "--json", "--db", db_url, "--user", login[0]
    )
    assert code == 0
    printed = json.loads(out)
    assert printed["month"] == "2026-10" and printed["total"] == 6
    piped(monkeypatch, login[1] + "\n")
    code, out, err = run(capsys, "stats", "--month", "2099-01", "--db", db_url, "--user", login[0])
    assert code == 1 and out == "" and "published on 2099-02-21" in err


def test_needs_met_are_counted_from_records_that_say_so_and_small_cells_hidden(
    client: TestClient, db_url: str, clock: Clock, monkeypatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    met, not_met = json.dumps([["health", "met"]]), json.dumps([["health", "not_met"]])
    records = [stat(office, resolutions=met) for _ in range(7)]
    records += [stat(office, resolutions=not_met) for _ in range(2)]
    older = stat(office, resolutions=None)  # an office of an earlier version sends none
    assert set(push(client, office, *records, older)) == {"accepted"}
    bad = stat(office, resolutions=json.dumps([["health", "met", "lost_contact"]]))
    assert push(client, office, bad) == ["invalid"]

    figures = client.get("/stats?month=2026-10", auth=login).json()
    table = figures["by_need_resolution"]
    assert figures["total"] == 10 and table["total"] == 9 and table["rows"] == {"health": 9}
    # 2 not met is under 5: hidden, and the 7 met with it, else 9 - 7 gives them away
    assert table["cells"] == {} and "not_met" not in table["cols"]


def test_communes_are_counted_by_hcp_code_names_of_older_offices_included(
    client: TestClient, db_url: str, clock: Clock, monkeypatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    office = enrolled(client, db_url, "BAOM Taliouine", clock())
    records = [stat(office, commune="09.541.01.11") for _ in range(4)]
    records += [stat(office, commune="Taliouine"), stat(office, commune="تالوين")]  # older
    records += [stat(office, commune=name) for name in ("Casablanca", "Rabat", "x") * 2]
    records += [stat(office, commune="unknown") for _ in range(5)]
    assert set(push(client, office, *records)) == {"accepted"}
    figures = client.get("/stats?month=2026-10", auth=login).json()
    assert figures["by_commune"] == {"09.541.01.11": 6, "other": 6, "unknown": 5}


def test_hidden_keys_are_published_without_their_counts(
    client: TestClient, db_url: str, clock: Clock, monkeypatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    office = enrolled(client, db_url, "BAOM Taliouine", clock())
    records = [stat(office) for _ in range(10)]  # Taliouine
    records += [stat(office, commune="Aourir") for _ in range(2)]
    records += [stat(office, commune="Tiznit", sex="m") for _ in range(6)]
    assert set(push(client, office, *records)) == {"accepted"}
    figures = client.get("/stats?month=2026-10", auth=login).json()
    # Aourir's 2 are under 5; Tiznit's 6 hide with them, else 18 - 10 - 6 gives them away
    assert figures["by_commune"] == {"09.541.01.11": 10}
    hidden = figures["hidden"]
    assert hidden["by_commune"] == ["09.001.07.03", "09.581.01.07"]
    assert hidden["total"] is False and hidden["by_sex"] == []  # 12 women, 6 men: published
    assert hidden["by_referral_outcome"]["total"] is False
    assert "2" not in json.dumps(hidden) and "6" not in json.dumps(hidden)
    # the other keys stay as they were: a reader of the tables alone sees no change
    assert figures["by_sex"] == {"f": 12, "m": 6} and figures["total"] == 18


def step(office: Enrolled, days: int, step_key: str = "declare_birth", **fields: Any) -> dict:  # type: ignore[type-arg]
    """An itinerary step duration's envelope, as ``kiosk.itineraries.statistics`` makes one."""
    values: dict[str, Any] = {
        "step_id": "0193c3d5-6f00-7aaa-8bbb-0c1d2e3f4a5c",  # kept at the office (sealed)
        "month": "2026-10",
        "template": "birth_registration",
        "step": step_key,
        "outcome": "done",
        "days": days,
        **fields,
    }
    return envelope("step_stat", record(office.office_id, **values))


def test_step_durations_are_published_per_step_done_often_enough_without_any_person(
    client: TestClient, db_url: str, clock: Clock, monkeypatch
) -> None:
    login = add_region_account(monkeypatch, db_url)
    agadir = enrolled(client, db_url, "BAOM Agadir", clock())
    tiznit = enrolled(client, db_url, "BAOM Tiznit", clock())
    durations = [step(agadir, days) for days in (3, 5, 8)] + [step(tiznit, 12), step(tiznit, 4)]
    durations += [step(agadir, 60, "court_request") for _ in range(2)]
    durations.append(step(agadir, 9, "gather_documents", outcome="skipped"))
    assert set(push(client, agadir, *durations[:3], *durations[5:])) == {"accepted"}
    assert set(push(client, tiznit, *durations[3:5])) == {"accepted"}
    wrong = step(agadir, -1)
    assert push(client, agadir, wrong) == ["invalid"]
    figures = client.get("/stats?month=2026-10", auth=login).json()
    assert figures["itinerary_steps"] == {
        "birth_registration/declare_birth": {"done": 5, "median_days": 5.0}
    }
    assert figures["hidden"]["itinerary_steps"] == ["birth_registration/court_request"]
    assert "0193c3d5" not in json.dumps(figures)
