"""A person's export for the person: a person with 50 visits in an office whose audit trail
already holds 200,000 entries about other records (the export reads the person's own)."""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import insert

from db.audit_chain import link
from db.base import new_id, utcnow
from db.models import AuditEntry
from db.uow import Actor
from kiosk.bench import Samples, benchmark
from kiosk.demo import prepare_demo
from kiosk.office import open_office
from kiosk.paths import Paths
from kiosk.persons.export import export_person
from printing.person_export import write_person_pdf
from printing.qtenv import ensure_qt
from tests.helpers.persons import two_persons

VISITS = 50
OTHER_AUDIT = 200_000
EXPORTS = 30


def _timed(export: Callable[[], object], count: int) -> list[float]:
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        export()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


@benchmark("person_export")
def person_export() -> Samples:
    """The PDF (its timings), and the JSON (``json_median_ms``, ``json_p95_ms``)."""
    ensure_qt()
    with tempfile.TemporaryDirectory() as folder:
        paths = Paths.resolve(folder)
        prepare_demo(paths)
        context = open_office(paths)
        officer = Actor(name="amina", role="officer", office_id=context.office_id)
        made = two_persons(context, officer, visits=VISITS)
        now = utcnow()
        others = [
            {
                "id": new_id(),
                "office_id": context.office_id,
                "created_at": now,
                "updated_at": now,
                "version": 1,
                "at": now,
                "user_id": None,
                "user_name": "amina",
                "action": "create",
                "entity_type": "ticket",
                "entity_id": uuid.uuid4(),
                "detail": "",
            }
            for _ in range(OTHER_AUDIT)
        ]
        with context.store.session() as session, session.begin():
            link(session.connection(), others)  # the trail is a chain: each entry its link
            session.execute(insert(AuditEntry), others)
        out = Path(folder)
        system = context.system

        def export(suffix: str) -> Callable[[], object]:
            return lambda: export_person(
                context, system, made.person, out / f"export.{suffix}", "fr", write_person_pdf
            )

        pdf = _timed(export("pdf"), EXPORTS)
        json_figures = Samples(_timed(export("json"), EXPORTS)).figures()
        context.close()
    return Samples(
        pdf,
        {
            "json_median_ms": json_figures["median_ms"],
            "json_p95_ms": json_figures["p95_ms"],
            "visits": VISITS,
        },
    )
