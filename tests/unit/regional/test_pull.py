"""Pulling server changes: paging, cursor, tombstones, settings and office scoping."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from regional.database import make_engine, session_factory
from regional.directory import import_directory
from regional.offices import set_setting
from tests.helpers.hsds import HSDS
from tests.unit.regional.factories import Clock, enrolled

SAMPLE = HSDS / "spec-3.0-examples" / "service_full.json"


def _import(db_url: str, clock: Clock, path: Path = SAMPLE, replace: bool = False) -> dict:
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session, session.begin():
            return import_directory(session, path, clock(), replace).as_json()
    finally:
        engine.dispose()


def _setting(db_url: str, office_id: str, key: str, value: str, clock: Clock) -> int:
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as session, session.begin():
            return set_setting(session, uuid.UUID(office_id), key, value, clock())
    finally:
        engine.dispose()


def _pull_all(client: TestClient, headers: dict[str, str], limit: int) -> tuple[list, int]:
    changes, cursor, pages = [], 0, 0
    while True:
        page = client.get(f"/api/v1/pull?after={cursor}&limit={limit}", headers=headers).json()
        changes.extend(page["changes"])
        assert page["cursor"] >= cursor
        cursor = page["cursor"]
        pages += 1
        if not page["more"]:
            return changes, pages


def test_directory_changes_page_in_order(client: TestClient, db_url: str, clock: Clock) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    report = _import(db_url, clock)
    assert report["created"] > 3
    changes, pages = _pull_all(client, office.headers, limit=2)
    assert len(changes) == report["created"]
    assert pages == -(-len(changes) // 2)  # a full last page already says more=false
    seqs = [change["seq"] for change in changes]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    service = next(c for c in changes if c["entity_type"] == "directory_service")
    assert service["operation"] == "upsert" and service["payload"]["id"] == service["entity_id"]
    last = changes[-1]["seq"]
    empty = client.get(f"/api/v1/pull?after={last}", headers=office.headers).json()
    assert empty == {"changes": [], "cursor": last, "more": False}


def test_reimport_adds_nothing_and_replace_makes_tombstones(
    client: TestClient, db_url: str, clock: Clock, tmp_path: Path
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    first = _import(db_url, clock)
    assert _import(db_url, clock)["created"] == 0
    before, _ = _pull_all(client, office.headers, limit=1000)
    assert len(before) == first["created"]
    package = json.loads(SAMPLE.read_text())
    package["name"] = "Renamed service"
    del package["required_documents"]
    smaller = tmp_path / "service.json"
    smaller.write_text(json.dumps(package))
    assert _import(db_url, clock, smaller)["deleted"] == 0  # no --replace: nothing deleted
    report = _import(db_url, clock, smaller, replace=True)
    assert report["deleted"] == 1 and report["updated"] == 0  # renamed by the run before
    after, _ = _pull_all(client, office.headers, limit=1000)
    tombstones = [change for change in after if change["operation"] == "delete"]
    assert len(tombstones) == report["deleted"]
    assert all(change["payload"] is None for change in tombstones)
    assert [change["entity_type"] for change in tombstones] == ["directory_required_document"]


def test_settings_reach_only_their_office(client: TestClient, db_url: str, clock: Clock) -> None:
    first = enrolled(client, db_url, "BAOM Agadir", clock())
    second = enrolled(client, db_url, "BAOM Tata", clock())
    _setting(db_url, first.office_id, "sync.interval_minutes", "10", clock)
    mine = client.get("/api/v1/pull", headers=first.headers).json()["changes"]
    assert [(c["entity_type"], c["payload"]) for c in mine] == [
        ("setting", {"key": "sync.interval_minutes", "value": "10"})
    ]
    theirs = client.get("/api/v1/pull", headers=second.headers)
    assert theirs.json()["changes"] == []
    assert "interval" not in theirs.text


def test_pull_refuses_bad_tokens_and_bad_cursors(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    office = enrolled(client, db_url, "BAOM Agadir", clock())
    assert client.get("/api/v1/pull").status_code == 401
    assert client.get("/api/v1/pull", headers={"Authorization": "Basic x"}).status_code == 401
    for query in ("after=-1", "limit=0", "limit=100000", "after=abc"):
        answer = client.get(f"/api/v1/pull?{query}", headers=office.headers)
        assert answer.status_code == 422
        assert answer.json()["error"] == "invalid_request"


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)  # SQLite writes one at a time
def test_a_change_in_progress_holds_back_its_own_office_only(
    client: TestClient, db_url: str, clock: Clock
) -> None:
    agadir = enrolled(client, db_url, "BAOM Agadir", clock())
    tata = enrolled(client, db_url, "BAOM Tata", clock())
    engine = make_engine(db_url)
    writing = session_factory(engine)()
    writing.begin()
    try:
        pending = set_setting(
            writing, uuid.UUID(agadir.office_id), "sync.interval_minutes", "10", clock()
        )
        with ThreadPoolExecutor(1) as pool:  # Tata's change commits meanwhile: no global lock
            later = pool.submit(
                _setting, db_url, tata.office_id, "sync.interval_minutes", "15", clock
            )
            assert later.result(timeout=20) > pending
            page = client.get("/api/v1/pull", headers=agadir.headers).json()
            assert page["changes"] == [] and page["cursor"] < pending  # not past its own
            everyone = pool.submit(_import, db_url, clock)  # for every office: it waits
            time.sleep(0.5)
            assert not everyone.done()
            writing.commit()
            assert everyone.result(timeout=20)["created"] > 0
    finally:
        writing.close()
        engine.dispose()
    changes, _ = _pull_all(client, agadir.headers, 1000)
    settings = [change for change in changes if change["entity_type"] == "setting"]
    assert [change["seq"] for change in settings] == [pending]
