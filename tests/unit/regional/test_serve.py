"""``baom-regional serve`` as a real process: enrol, push, body limits and proxies over HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from protocol.wire import MAX_PUSH_BATCH
from regional.limits import FORM_MAX_BYTES, OTHER_MAX_BYTES, PUSH_MAX_BYTES
from regional.load import memory_mb
from tests.helpers.regional import add_office, raw_request, running_server
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
            # its record goes back to the office's other PCs, not to this one
            assert pulled.json() == {"changes": [], "cursor": 1, "more": False}
            (tmp_path / "regional-data" / "maintenance").touch()
            down = http.get("/api/v1/health")
            assert down.status_code == 503 and "Retry-After" in down.headers


def test_serve_creates_its_sqlite_database(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        assert server.db_url.startswith("sqlite:///")
        assert httpx.get(f"{server.url}/api/v1/health").json() == {"status": "ok"}


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def test_serve_refuses_long_bodies_before_reading_them(tmp_path: Path) -> None:
    page = "/r/" + "x" * 22
    with running_server(tmp_path) as server:
        declared = [
            ("/api/v1/push", PUSH_MAX_BYTES + 1, "application/json"),
            ("/api/v1/enrol", OTHER_MAX_BYTES + 1, "application/json"),
            (page, FORM_MAX_BYTES + 1, "application/x-www-form-urlencoded"),
        ]
        for path, length, kind in declared:  # the header only: the body is never sent
            head = f"POST {path} HTTP/1.1\nHost: x\nContent-Type: {kind}\nContent-Length: {length}"
            answer = raw_request(server.url, head)
            assert _status(answer) == 413, answer
            assert (b"Formulaire trop long." if path == page else b"payload_too_large") in answer
        chunked = [("/api/v1/enrol", OTHER_MAX_BYTES), (page, FORM_MAX_BYTES)]
        for path, limit in chunked:  # chunks past the limit, and never the last chunk
            head = f"POST {path} HTTP/1.1\nHost: x\nTransfer-Encoding: chunked"
            body = b"400\r\n" + b"a" * 0x400 + b"\r\n"
            answer = raw_request(server.url, head, body * (limit // 0x400 + 2))
            assert _status(answer) == 413, answer
        assert httpx.get(f"{server.url}/api/v1/health").status_code == 200


def test_serve_takes_a_full_batch_of_several_megabytes(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        office_id, code = add_office(server.db_url, "BAOM Agadir")
        with httpx.Client(base_url=server.url, timeout=60) as http:
            token = http.post("/api/v1/enrol", json={"code": code}).json()["token"]
            notes = "ملاحظة " * 1_000  # 7,000 characters, 13,000 bytes
            batch = [
                envelope("person", record(office_id, notes=notes)) for _ in range(MAX_PUSH_BATCH)
            ]
            body = json.dumps({"envelopes": batch}, ensure_ascii=False).encode()
            assert len(body) > 6_000_000
            pushed = http.post(
                "/api/v1/push",
                content=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
        assert pushed.status_code == 200, pushed.text
        assert {r["verdict"] for r in pushed.json()["results"]} == {"accepted"}


def test_the_largest_push_costs_at_most_four_times_its_size(tmp_path: Path) -> None:
    """A real office's push as large as the client may send: the server's peak memory grows
    by at most four times the body (it is gathered once, then parsed off the event loop)."""
    with running_server(tmp_path) as server:
        office_id, code = add_office(server.db_url, "BAOM Agadir")
        with httpx.Client(base_url=server.url, timeout=120) as http:
            token = http.post("/api/v1/enrol", json={"code": code}).json()["token"]
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            warm = [envelope("person", record(office_id)) for _ in range(5)]
            assert http.post("/api/v1/push", json={"envelopes": warm}, headers=headers)
            batch: list[dict[str, Any]] = []
            size = len('{"envelopes": []}')
            while True:
                item = envelope("person", record(office_id, notes="n" * 240_000))
                size += len(json.dumps(item)) + len(", ")
                if size > PUSH_MAX_BYTES:
                    break
                batch.append(item)
            body = json.dumps({"envelopes": batch}).encode()
            assert PUSH_MAX_BYTES * 0.95 < len(body) <= PUSH_MAX_BYTES
            before = memory_mb(server.process.pid, "VmRSS")
            pushed = http.post("/api/v1/push", content=body, headers=headers)
            peak = memory_mb(server.process.pid, "VmHWM")
    assert {result["verdict"] for result in pushed.json()["results"]} == {"accepted"}
    assert peak - before <= 4 * len(body) / 2**20


def _codes(http: httpx.Client, url: str, forwarded: Callable[[int], str], count: int) -> list[int]:
    """The statuses of ``count`` page requests, the i-th with ``X-Forwarded-For: forwarded(i)``."""
    page = f"{url}/r/" + "z" * 22
    return [
        http.get(page, headers={"X-Forwarded-For": forwarded(i)}).status_code for i in range(count)
    ]


def test_serve_believes_x_forwarded_for_from_a_listed_proxy_only(tmp_path: Path) -> None:
    options = ["--forwarded-allow-ips", "127.0.0.1"]
    with running_server(tmp_path, options=options) as server:
        with httpx.Client(timeout=10) as proxy:  # connects from 127.0.0.1, the proxy
            first = _codes(proxy, server.url, lambda _i: "203.0.113.7", 40)
            second = _codes(proxy, server.url, lambda _i: "203.0.113.8", 1)
        assert first[:30] == [404] * 30 and 429 in first[30:]  # 30 a minute per client
        assert second == [404]  # another client behind the same proxy: its own bucket
        stranger = httpx.HTTPTransport(local_address="127.0.0.2")  # not a listed proxy
        with httpx.Client(transport=stranger, timeout=10) as forger:
            forged = _codes(forger, server.url, lambda i: f"198.51.100.{i}", 40)
        assert 429 in forged  # a new forged address each time, one bucket all the same


def test_serve_believes_no_proxy_by_default(tmp_path: Path) -> None:
    env = {"FORWARDED_ALLOW_IPS": "*"}  # uvicorn's own setting: not used
    with running_server(tmp_path, env=env) as server, httpx.Client(timeout=10) as http:
        forged = _codes(http, server.url, lambda i: f"198.51.100.{i}", 40)
    assert forged[:30] == [404] * 30 and 429 in forged[30:]
