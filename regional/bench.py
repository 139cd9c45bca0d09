"""Throughput of the push endpoint: offices pushing batches concurrently to a real server.

``measure_throughput(db_url)`` starts ``baom-regional serve`` on ``db_url`` in a child
process, registers and enrols ``offices`` offices, then lets each push its share of
``envelopes`` in batches of ``batch`` from its own thread, and returns envelopes accepted
per second (wall time of the pushing phase only).

Its parts are shared with the mixed load of :mod:`regional.load`: :func:`envelope` (an
office's envelope as it goes on the wire), :func:`start_server` and :func:`enrol_offices`.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

import httpx
from sqlalchemy import insert, update

from protocol.privacy import content_hash, data_key, leaving_parts
from regional.clock import utcnow
from regional.database import make_engine, session_factory, upgrade_if_behind
from regional.models import DirectoryRow, Office, StatFact
from regional.offices import add_office


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


_BENCH_KEY = data_key(os.urandom(16))


def envelope(
    office_id: str, n: int, *, token: str | None = None, at: str = "2026-11-29T10:00:00"
) -> dict[str, Any]:
    """The ``n``-th envelope of an office: 8 in 10 a person, then an intake, then a referral.

    A referral carries ``token`` (random unless given: the partner page's ``/r/TOKEN``; the
    region sees only its hash); every record is made ``at`` (ISO time, UTC).
    """
    now = at
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
            token=token or secrets.token_urlsafe(16), priority="normal", state="sent", due_at=now,
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


def start_server(
    db_url: str, folder: str, options: Sequence[str] = (), log: IO[bytes] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """``baom-regional serve`` on ``db_url`` and a free port, once its health answers.

    Returns the process (the server itself, not a wrapper) and its base URL; ``options``
    are added to ``serve``'s, and its output goes to ``log`` (else nowhere).
    """
    port = _free_port()
    command = [sys.executable, "-m", "regional.cli", "serve", "--db", db_url]
    output = log if log is not None else subprocess.DEVNULL
    process = subprocess.Popen(
        [*command, "--data-dir", folder, "--port", str(port), *options],
        stdout=output,
        stderr=output,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    process.wait(timeout=10)
    raise RuntimeError("the server did not start")


def enrol_offices(db_url: str, bases: Sequence[str], count: int) -> list[tuple[str, str]]:
    """Register ``count`` offices in the database and enrol each over HTTP; their ids and tokens.

    Enrolments go to ``bases`` in turn, each from an address of its own (``X-Forwarded-For``,
    believed by a server started with ``--forwarded-allow-ips 127.0.0.1``, ignored by
    others), so that the enrolment rate limit of one client does not stop a big run.
    """
    engine = make_engine(db_url)
    try:
        upgrade_if_behind(engine)
        with session_factory(engine)() as session, session.begin():
            codes = [add_office(session, f"Bench office {n}", utcnow())[1] for n in range(count)]
    finally:
        engine.dispose()
    enrolled = []
    for n, code in enumerate(codes):
        answer = httpx.post(
            f"{bases[n % len(bases)]}/api/v1/enrol",
            json={"code": code},
            headers={"X-Forwarded-For": client_address(1, n)},
            timeout=30,
        )
        answer.raise_for_status()
        body = answer.json()
        enrolled.append((body["office_id"], body["token"]))
    return enrolled


def client_address(group: int, n: int) -> str:
    """A distinct made-up client address (``10.group.x.y``) for the ``n``-th client of a group."""
    return f"10.{group}.{n // 250 % 256}.{n % 250 + 1}"


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
        process, base = start_server(db_url, folder)
        try:
            identities = enrol_offices(db_url, [base], offices)
            share = envelopes // offices
            work = []
            for office_id, token in identities:
                items = [envelope(office_id, n) for n in range(share)]
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


COMMUNES = (
    "Agadir", "Inezgane", "Aït Melloul", "Dcheira El Jihadia", "Tiznit", "Taroudant",
    "Oulad Teima", "Biougra", "Aït Baha", "Tata", "Taliouine", "Tafraout", "Sidi Ifni",
    "Massa", "Drargua", "Temsia", "Lqliaa", "Tamri", "Aourir", "Igherm",
)  # fmt: skip
NATIONALITIES = ("SN", "CI", "GN", "ML", "CM", "NG", "SD", "CD", "MA", "FR", "ES", "SY", "YE")
NEEDS = (
    "health", "residence_papers", "employment", "housing", "legal_aid", "education",
    "civil_registration", "emergency_relief", "psychosocial_support", "consular",
)  # fmt: skip
REFERRAL_STATES = ("sent", "accepted", "done", "done", "declined", "expired")
CMSM_MEMBERS = tuple(str(uuid.UUID(int=n + 1)) for n in range(15))
"""The 15 associations of the CMSM, as organisations of the directory."""


def statistics_record(rng: random.Random, office_id: uuid.UUID, month: str) -> dict[str, Any]:
    """One made-up statistics record (a ``stat_fact`` row) of an office and month."""
    needs = sorted(set(rng.choices(NEEDS[:6] * 3 + NEEDS, k=rng.randint(1, 2))))
    referred = [need for need in needs if rng.random() < 0.6]
    return {
        "id": uuid.uuid4(),
        "office_id": office_id,
        "version": 1,
        "month": month,
        "category": rng.choices(("rpt", "mre", "mre_returnee", "other", "unknown"),
                                (50, 25, 15, 8, 2))[0],
        "sex": rng.choices(("f", "m", "unknown"), (45, 54, 1))[0],
        "age_band": rng.choices(("0-17", "18-29", "30-44", "45-59", "60+"), (8, 40, 32, 14, 6))[0],
        "nationality": rng.choices(NATIONALITIES, range(len(NATIONALITIES), 0, -1))[0],
        "commune": rng.choices(COMMUNES, range(len(COMMUNES), 0, -1))[0],
        "needs": json.dumps(needs),
        "outcomes": json.dumps(sorted([n, rng.choice(REFERRAL_STATES)] for n in referred)),
        "resolutions": json.dumps([[n, rng.choice(("open", "met", "not_met"))] for n in needs]),
        "cmsm": json.dumps([_cmsm_referral(rng) for n in referred if rng.random() < 0.3]),
    }  # fmt: skip


def _cmsm_referral(rng: random.Random) -> list[Any]:
    """A referral to a member of the CMSM: the member, its state, the days to its answer."""
    state = rng.choice(REFERRAL_STATES)
    days = None if state in ("sent", "expired") else rng.choice((0, 1, 2, 3, 5, 8, 12, 20))
    return [rng.choice(CMSM_MEMBERS), state, days]


def fill_statistics(
    db_url: str, offices: int, months: Sequence[str], per_month: int, seed: int = 7
) -> None:
    """Register ``offices`` offices and give each ``per_month`` statistics records a month."""
    rng = random.Random(seed)
    engine = make_engine(db_url)
    try:
        upgrade_if_behind(engine)
        with session_factory(engine)() as session, session.begin():
            ids = [
                add_office(session, f"BAOM office {n + 1:02d}", utcnow())[0] for n in range(offices)
            ]
        with session_factory(engine)() as session, session.begin():
            session.execute(update(Office).where(Office.id.in_(ids)).values(last_sync=utcnow()))
            members = [
                {"id": key, "name": f"Association {n + 1:02d}", "cmsm_member": True}
                for n, key in enumerate(CMSM_MEMBERS)
            ]
            session.execute(
                insert(DirectoryRow),
                [
                    {"table_name": "organization", "row_id": row["id"], "payload": json.dumps(row)}
                    for row in members
                ],
            )
            for month in months:
                rows = [
                    statistics_record(rng, office, month)
                    for office in ids
                    for _ in range(per_month)
                ]
                session.execute(insert(StatFact), rows)
    finally:
        engine.dispose()
