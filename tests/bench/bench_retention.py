"""The retention schedule's daily run over 200,000 persons (``kiosk.retention``).

The office holds 200,000 persons, each with a case and its intake: a quarter open, the
rest closed over the last 23 months (not due), and ``DUE`` closed 25 months ago: what
becomes due in about three weeks of an office of that size (about 55 cases a day), e.g.
after the PC stayed off. The figure is the whole run (the plan over every case, the
anonymisation of the due persons, the drafts, the audit and the WAL checkpoint);
``dry_run_ms`` is the plan alone, ``per_person_ms`` the anonymisation of one person.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import time
import uuid
from datetime import timedelta

from sqlalchemy import insert

from db.base import new_id, utcnow
from db.cases import Case, Intake, Person
from kiosk.bench import Samples, benchmark
from kiosk.demo import prepare_demo
from kiosk.office import open_office
from kiosk.paths import Paths
from kiosk.retention import run_retention

PEOPLE = int(os.environ.get("BAOM_BENCH_PEOPLE", "200000"))
DUE = 1_000


def _rows(rng: random.Random, office_id: uuid.UUID) -> tuple[list[dict], list[dict], list[dict]]:  # type: ignore[type-arg]
    now = utcnow()
    persons, cases, intakes = [], [], []
    common = {"office_id": office_id, "created_at": now, "updated_at": now, "version": 1}
    for number in range(PEOPLE):
        person_id, case_id = new_id(), new_id()
        if number < DUE:
            closed = now - timedelta(days=25 * 31)
        elif number % 4 == 0:
            closed = None
        else:
            closed = now - timedelta(days=rng.randint(1, 23 * 30))
        persons.append(
            {
                **common,
                "id": person_id,
                "given_name": f"Given{number}",
                "family_name": "Family",
                "sex": rng.choice("fm"),
                "birth_year": rng.randint(1940, 2010),
                "category": "rpt",
                "phone": f"+2126{number:08d}",
            }
        )
        cases.append(
            {
                **common,
                "id": case_id,
                "code": f"C-{number:06d}",
                "person_id": person_id,
                "status": "open" if closed is None else "closed",
                "opened_at": now - timedelta(days=800),
                "closed_at": closed,
                "close_reason": "" if closed is None else "need_met",
            }
        )
        answers = {"person.given_name": f"Given{number}", "person.birth_year": 1980, "needs": []}
        intakes.append(
            {
                **common,
                "id": new_id(),
                "case_id": case_id,
                "form_id": "intake",
                "form_version": 1,
                "consent_record": True,
                "consent_stats": number % 2 == 0,
                "answers": json.dumps(answers),
                "at": now - timedelta(days=800),
            }
        )
    return persons, cases, intakes


@benchmark("retention_run")
def retention_run() -> Samples:
    """The daily retention run over 200,000 persons, ``DUE`` of them due."""
    with tempfile.TemporaryDirectory() as folder:
        paths = Paths.resolve(folder)
        prepare_demo(paths)
        context = open_office(paths)
        persons, cases, intakes = _rows(random.Random(11), context.office_id)
        with context.store.session() as session, session.begin():
            for kind, rows in ((Person, persons), (Case, cases), (Intake, intakes)):
                for start in range(0, len(rows), 20_000):
                    session.execute(insert(kind), rows[start : start + 20_000])
        started = time.perf_counter()
        due = run_retention(context, context.system, dry_run=True)
        dry_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        done = run_retention(context, context.system)
        run_ms = (time.perf_counter() - started) * 1000
        context.close()
    assert due.counts == done.counts and done.counts["persons_anonymised"] == DUE
    return Samples(
        [run_ms],
        {
            "persons": PEOPLE,
            "anonymised": DUE,
            "dry_run_ms": dry_ms,
            "per_person_ms": (run_ms - dry_ms) / DUE,
        },
    )
