"""The CMSM network at the region: its members from the directory, their referrals counted
from the statistics records only, with the same disclosure control, on the secretariat's page."""

from __future__ import annotations

import json
from html import unescape
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from regional.dashboard_cmsm import CMSM_TEXTS
from regional.database import make_engine, session_factory
from regional.directory import import_directory
from regional.disclosure import Publication
from tests.unit.regional.factories import Clock, as_published_before, enrolled, push
from tests.unit.regional.test_dashboard import FR_HIDDEN, page_tables
from tests.unit.regional.test_disclosure import Relations, determined
from tests.unit.regional.test_region_accounts import add_region_account
from tests.unit.regional.test_stats import stat

TAFAWOUT = "1b1e4f5e-5a5b-4c7e-9d1f-0a0000000001"
AMAL = "1b1e4f5e-5a5b-4c7e-9d1f-0a0000000002"
SHOP = "1b1e4f5e-5a5b-4c7e-9d1f-0a0000000003"
TIWIZI = "1b1e4f5e-5a5b-4c7e-9d1f-0a0000000004"


def _organisation(key: str, name: str, member: bool, **extra: Any) -> dict[str, Any]:
    return {"id": key, "name": name, "baom_cmsm_member": member, **extra}


def import_members(db_url: str, clock: Clock, folder: Path) -> None:
    """Four organisations: three CMSM members (two with their focal points), one not."""
    package = [
        _organisation(
            TAFAWOUT,
            "Association Tafawout",
            True,
            baom_cmsm_contact_name="Fatima Ait Ali",
            baom_cmsm_contact_phone="+212 528 000 111",
            baom_cmsm_contact_email="cmsm@tafawout.example",
            baom_translations={"name": {"ar": "جمعية تفاوت"}},
        ),
        _organisation(AMAL, "Association Amal", True, baom_cmsm_contact_name="Said Amrani"),
        _organisation(TIWIZI, "Association Tiwizi", True),
        _organisation(SHOP, "Centre de santé", False),
    ]
    path = folder / "organizations.json"
    path.write_text(json.dumps(package), encoding="utf-8")
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session, session.begin():
            import_directory(session, path, clock())
    finally:
        engine.dispose()


def fill(client: TestClient, db_url: str, clock: Clock, folder: Path) -> None:
    """October 2026: 10 referrals to Tafawout (done, 5 answered in a day and 5 in 4 days), 6
    to Tiwizi (done in 3 days), 2 to Amal (accepted in 3 days); September: 6 to Tafawout."""
    import_members(db_url, clock, folder)
    agadir = enrolled(client, db_url, "BAOM Agadir", clock())
    days = [1] * 5 + [4] * 5
    october = [stat(agadir, cmsm=json.dumps([[TAFAWOUT, "done", d]])) for d in days]
    october += [stat(agadir, cmsm=json.dumps([[TIWIZI, "done", 3]])) for _ in range(6)]
    october += [stat(agadir, cmsm=json.dumps([[AMAL, "accepted", 3]])) for _ in range(2)]
    october += [stat(agadir) for _ in range(3)]  # referred to no member
    september = [
        stat(agadir, month="2026-09", cmsm=json.dumps([[TAFAWOUT, "done", 2]])) for _ in range(6)
    ]
    assert set(push(client, agadir, *october, *september)) == {"accepted"}


def test_the_region_publishes_referrals_to_members_with_small_counts_hidden(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    login = add_region_account(monkeypatch, db_url)
    fill(client, db_url, clock, tmp_path)
    figures = client.get("/stats?month=2026-10", auth=login).json()
    outcome, response = figures["by_cmsm_outcome"], figures["by_cmsm_response"]
    assert outcome["rows"][TAFAWOUT] == 10 and response["rows"][TAFAWOUT] == 10
    assert outcome["cells"] == {TAFAWOUT: {"done": 10}}
    assert outcome["total"] == response["total"] == 18
    # Amal's 2 are hidden everywhere, and with them Tiwizi's 6, else 18 - 10 - 6 gives them
    assert AMAL not in json.dumps([outcome, response])
    assert figures["hidden"]["by_cmsm_outcome"]["rows"] == sorted([AMAL, TIWIZI])
    assert figures["hidden"]["by_cmsm_response"]["rows"] == sorted([AMAL, TIWIZI])
    # a median where at least 5 referrals were answered: Amal has none
    assert figures["cmsm_median_days"] == {TAFAWOUT: 2.5, TIWIZI: 3.0}


def test_two_tables_of_the_same_referrals_give_no_hidden_count_away() -> None:
    outcomes = {("a", "done"): 6, ("a", "sent"): 2, ("b", "accepted"): 2, ("c", "done"): 7}
    bands = {("a", "0-2"): 3, ("a", "3-7"): 1, ("a", "8-14"): 4, ("b", "3-7"): 2, ("c", "0-2"): 7}
    publication = Publication(5)
    publication.total("total", 20)
    publication.cross("out", outcomes)
    publication.cross("resp", bands)
    publication.same_margins("out", "resp")
    published = publication.publish()
    truth: dict[tuple[str, ...], int] = {}
    relations: Relations = []
    for name, cells in (("out", outcomes), ("resp", bands)):
        rows = {row for row, _ in cells}
        cols = {col for _, col in cells}
        truth |= {(name, "cells", r, c): n for (r, c), n in cells.items()}
        truth |= {(name, "rows", r): sum(n for (x, _), n in cells.items() if x == r) for r in rows}
        truth |= {(name, "cols", c): sum(n for (_, y), n in cells.items() if y == c) for c in cols}
        truth[(name, "total")] = sum(cells.values())
        for r, c in product(rows, cols):
            truth.setdefault((name, "cells", r, c), 0)
        relations += [((name, "rows", r), [(name, "cells", r, c) for c in cols]) for r in rows] + [
            ((name, "cols", c), [(name, "cells", r, c) for r in rows]) for c in cols
        ]
        relations.append(((name, "total"), [(name, "rows", r) for r in rows]))
    relations += [(("out", "rows", r), [("resp", "rows", r)]) for r in "abc"]
    relations.append((("out", "total"), [("resp", "total")]))
    assert determined(truth, relations, published) == []
    for row in "abc":  # a member's count of referrals is hidden in both tables or in neither
        assert (row in published["out"]["rows"]) == (row in published["resp"]["rows"])


def test_the_secretariat_sees_members_referrals_by_month_and_response_times(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    login = add_region_account(monkeypatch, db_url)
    fill(client, db_url, clock, tmp_path)
    answer = client.get("/dashboard/cmsm?month=2026-10", auth=login)
    assert answer.status_code == 200 and "<script" not in answer.text
    tables = page_tables(answer.text)
    assert tables["table-cmsm_members"][1:] == [
        ["Association Amal", "Said Amrani", "", ""],
        ["Association Tafawout", "Fatima Ait Ali", "+212 528 000 111", "cmsm@tafawout.example"],
        ["Association Tiwizi", "", "", ""],
    ]
    assert "Centre de santé" not in answer.text  # not a member
    sent = tables["table-cmsm_sent"]
    assert sent[0][-2:] == ["septembre 2026", "octobre 2026"]
    assert sent[1][0] == "Association Amal" and sent[1][-2:] == [0, FR_HIDDEN]
    assert sent[2][0] == "Association Tafawout" and sent[2][-2:] == [6, 10]
    assert sent[3][0] == "Association Tiwizi" and sent[3][-2:] == [0, FR_HIDDEN]
    outcomes = {row[0]: row[1:] for row in tables["table-cmsm_outcomes"][1:]}
    assert outcomes["Association Tafawout"][-1] == 10
    assert outcomes["Total"][-1] == 18
    assert FR_HIDDEN in outcomes["Association Amal"] and 2 not in outcomes["Association Amal"]
    responses = {row[0]: row[1:] for row in tables["table-cmsm_responses"][1:]}
    assert responses["Association Tafawout"][-1] == 2.5
    assert responses["Association Tiwizi"][-1] == 3
    assert responses["Association Amal"][-1] == "—"
    arabic = client.get("/dashboard/cmsm?lang=ar&month=2026-10", auth=login).text
    assert '<html lang="ar" dir="rtl">' in arabic and "جمعية تفاوت" in arabic
    assert CMSM_TEXTS["ar"]["title"] in arabic
    assert client.get("/dashboard/cmsm").status_code == 401  # region staff only


def test_a_month_published_before_the_cmsm_tables_says_not_available(
    client: TestClient, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    login = add_region_account(monkeypatch, db_url)
    fill(client, db_url, clock, tmp_path)
    assert client.get("/stats?month=2026-09", auth=login).status_code == 200
    as_published_before(
        db_url,
        "2026-09",
        tables=("by_cmsm_outcome", "by_cmsm_response"),
        keys=("cmsm_median_days",),
    )
    for lang in ("fr", "ar"):
        page = client.get(f"/dashboard/cmsm?lang={lang}&month=2026-09", auth=login).text
        assert CMSM_TEXTS[lang]["unavailable_note"] in unescape(page)
        sent = page_tables(page)["table-cmsm_sent"]
        tafawout = next(row for row in sent if "Tafawout" in row[0] or "تفاوت" in row[0])
        assert tafawout[-2:] == [CMSM_TEXTS[lang]["unavailable"], 10]


def test_a_statistics_record_with_a_malformed_cmsm_list_is_refused(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    agadir = enrolled(client, db_url, "BAOM Agadir", clock())
    for wrong in (
        "{}",
        json.dumps([["not-an-id", "done", 2]]),
        json.dumps([[TAFAWOUT, "done", -1]]),
        json.dumps([[TAFAWOUT, "Done!", 2]]),
        json.dumps([[TAFAWOUT, "done"]]),
    ):
        assert push(client, agadir, stat(agadir, cmsm=wrong)) == ["invalid"]
