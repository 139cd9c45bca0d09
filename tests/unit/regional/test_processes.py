"""Several server processes on one database behave as one server (real processes, over HTTP).

Two ``baom-regional serve`` processes on one database stand for two hosts behind one proxy;
``serve --workers 2`` for one host's worker processes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.helpers.regional import Server, add_office, running_server
from tests.unit.regional.factories import envelope, record

PAGE = "/r/" + "z" * 22
DEFAULT_RATE = 30  # requests a minute per client, for the page, enrolment and logins


def _at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run ``calls`` in threads released together; their results in order."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _page_answers(urls: list[str]) -> list[int]:
    """Open the page (an unknown token) once per url, each on a new connection; check that
    the server let through its rate a minute, not more (bar what refilled meanwhile)."""
    started = time.monotonic()
    statuses = [httpx.get(f"{url}{PAGE}", timeout=30).status_code for url in urls]
    refilled = (time.monotonic() - started) * DEFAULT_RATE / 60
    let_through = statuses.count(404)
    assert DEFAULT_RATE <= let_through <= DEFAULT_RATE + refilled + 1, statuses
    assert set(statuses) == {404, 429}
    return statuses


def _enrol(server: Server, code: str) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v1/enrol", json={"code": code}, timeout=30)


def test_two_processes_share_limits_codes_and_pushes(db_url: str, tmp_path: Path) -> None:
    with (
        running_server(tmp_path / "a", db_url) as first,
        running_server(tmp_path / "b", db_url) as second,
    ):
        _page_answers([first.url, second.url] * 20)  # not 30 on each

        office_id, code = add_office(db_url, "BAOM Agadir")
        answers = _at_once([lambda: _enrol(first, code), lambda: _enrol(second, code)])
        assert sorted(answer.status_code for answer in answers) == [200, 401]
        token = next(answer for answer in answers if answer.status_code == 200).json()["token"]

        item = envelope("person", record(office_id))
        headers = {"Authorization": f"Bearer {token}"}

        def push_to(server: Server) -> list[str]:
            answer = httpx.post(
                f"{server.url}/api/v1/push", json={"envelopes": [item]}, headers=headers, timeout=30
            )
            assert answer.status_code == 200, answer.text
            return [result["verdict"] for result in answer.json()["results"]]

        verdicts = _at_once([lambda: push_to(first), lambda: push_to(second)])
        assert sorted(v for batch in verdicts for v in batch) == ["accepted", "duplicate"]
        stored = httpx.get(f"{first.url}/api/v1/envelopes/{item['id']}", headers=headers)
        assert stored.json()["status"] == "stored"


def test_serve_with_two_workers_counts_as_one_server(db_url: str, tmp_path: Path) -> None:
    with running_server(tmp_path, db_url, options=["--workers", "2"]) as server:
        _page_answers([server.url] * 40)  # whichever worker answers
        _office_id, code = add_office(db_url, "BAOM Tiznit")
        assert _enrol(server, code).status_code == 200
        assert _enrol(server, code).status_code == 401
