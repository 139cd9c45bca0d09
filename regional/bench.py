"""Throughput of the push endpoint: offices pushing batches concurrently to a real server.

``measure_throughput(db_url)`` starts ``baom-regional serve`` on ``db_url`` in a child
process, registers and enrols ``offices`` offices, then lets each push its share of
``envelopes`` in batches of ``batch`` from its own thread, and returns envelopes accepted
per second (wall time of the pushing phase only).
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from db.privacy import data_key, leaving_parts
from db.uow import content_hash
from regional.clock import utcnow
from regional.database import make_engine, session_factory, upgrade_if_behind
from regional.offices import add_office


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


_BENCH_KEY = data_key(os.urandom(16))


def _envelope(office_id: str, n: int) -> dict[str, Any]:
    now = "2026-11-29T10:00:00"
    payload: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "office_id": office_id,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    kind = ("person", "intake", "referral")[0 if n % 10 < 8 else 1 if n % 10 == 8 else 2]
    if kind == "person":
        payload.update(given_name=f"Name {n}", family_name="Bench", sex="f", birth_year=1990)
    elif kind == "intake":
        answers = {"person.category": "rpt", "person.sex": "m", "needs": ["health"]}
        payload.update(
            case_id=str(uuid.uuid4()), ticket_id=None, form_id="intake", form_version=1,
            language="fr", consent_record=True, consent_share=False, consent_stats=True,
            consent_method="verbal", answers=json.dumps(answers), at=now,
        )  # fmt: skip
    else:
        payload.update(
            case_id=str(uuid.uuid4()), need_key="health", service_id=str(uuid.uuid4()),
            service_name="Centre de santé", organization_name="", code="K7M-4PX",
            token=secrets.token_urlsafe(16), priority="normal", state="sent", due_at=now,
            consent_share=True, override_reason="", redirected_from_id=None, reason="",
            provided="", outcome_on=None, sent_at=now,
        )  # fmt: skip
    record_id = uuid.UUID(payload["id"])
    body, sealed = leaving_parts(_BENCH_KEY, kind, record_id, 1, payload)
    digest = content_hash(kind, record_id, "create", 1, body, sealed)
    return {
        "id": str(uuid.uuid4()), "entity_type": kind, "entity_id": payload["id"],
        "operation": "upsert", "base_version": 0, "version": 1, "content_hash": digest,
        "payload": body, "sealed": sealed, "created_at": now,
    }  # fmt: skip


def _start(db_url: str, folder: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [sys.executable, "-m", "regional.cli", "serve", "--db", db_url]
    process = subprocess.Popen(
        [*command, "--data-dir", folder, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def _enrol(db_url: str, base: str, count: int) -> list[tuple[str, str]]:
    engine = make_engine(db_url)
    try:
        upgrade_if_behind(engine)
        with session_factory(engine)() as session, session.begin():
            codes = [add_office(session, f"Bench office {n}", utcnow())[1] for n in range(count)]
    finally:
        engine.dispose()
    enrolled = []
    for code in codes:
        body = httpx.post(f"{base}/api/v1/enrol", json={"code": code}, timeout=30).json()
        enrolled.append((body["office_id"], body["token"]))
    return enrolled


def _push_all(base: str, token: str, batches: list[list[dict[str, Any]]]) -> int:
    accepted = 0
    with httpx.Client(base_url=base, timeout=120) as client:
        for batch in batches:
            answer = client.post(
                "/api/v1/push",
                json={"envelopes": batch},
                headers={"Authorization": f"Bearer {token}"},
            )
            answer.raise_for_status()
            accepted += sum(r["verdict"] == "accepted" for r in answer.json()["results"])
    return accepted


def measure_throughput(
    db_url: str, offices: int = 16, envelopes: int = 32_000, batch: int = 500
) -> float:
    """Envelopes accepted per second with ``offices`` offices pushing at the same time."""
    with tempfile.TemporaryDirectory(prefix="baom-bench-") as folder:
        process, base = _start(db_url, folder)
        try:
            identities = _enrol(db_url, base, offices)
            share = envelopes // offices
            work = []
            for office_id, token in identities:
                items = [_envelope(office_id, n) for n in range(share)]
                work.append((token, [items[i : i + batch] for i in range(0, share, batch)]))
            started = time.perf_counter()
            with ThreadPoolExecutor(offices) as pool:
                counts = list(pool.map(lambda job: _push_all(base, *job), work))
            elapsed = time.perf_counter() - started
        finally:
            process.kill()
            process.wait(timeout=10)
    return sum(counts) / elapsed


if __name__ == "__main__":
    url = sys.argv[1] if len(sys.argv) > 1 else "sqlite:///bench-regional.db"
    print(f"{measure_throughput(url):.0f} envelopes/s")
