"""``baom-regional serve`` as a real process: enrol and push over real HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.helpers.regional import add_office, running_server
from tests.unit.regional.factories import envelope, record


def test_serve_enrol_push_pull(db_url: str, tmp_path: Path) -> None:
    with running_server(tmp_path, db_url) as server:
        office_id, code = add_office(server.db_url, "BAOM Agadir")
        with httpx.Client(base_url=server.url, timeout=10) as http:
            answer = http.post("/api/v1/enrol", json={"code": code, "machine": "desk-1"})
            assert answer.status_code == 200
            token = answer.json()["token"]
            assert answer.json()["office_id"] == office_id
            headers = {"Authorization": f"Bearer {token}"}
            item = envelope("person", record(office_id))
            pushed = http.post("/api/v1/push", json={"envelopes": [item]}, headers=headers)
            assert [r["verdict"] for r in pushed.json()["results"]] == ["accepted"]
            again = http.post("/api/v1/push", json={"envelopes": [item]}, headers=headers)
            assert [r["verdict"] for r in again.json()["results"]] == ["duplicate"]
            pulled = http.get("/api/v1/pull", headers=headers)
            assert pulled.json() == {"changes": [], "cursor": 0, "more": False}
            (tmp_path / "regional-data" / "maintenance").touch()
            down = http.get("/api/v1/health")
            assert down.status_code == 503 and "Retry-After" in down.headers


def test_serve_creates_its_sqlite_database(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        assert server.db_url.startswith("sqlite:///")
        assert httpx.get(f"{server.url}/api/v1/health").json() == {"status": "ok"}
