"""The monthly report of a busy office (``baom report monthly``): one year of activity,
30,000 visits of 8,000 persons (and as many tickets, a referral for a third of the visits,
follow-up steps and needs marked), written in bulk; the figure is the month's PDF, with
the XLSX (``xlsx_median_ms``, ``xlsx_p95_ms``) and the JSON (``json_…``) beside it. The
bar is 2 s for the PDF and the XLSX."""

from __future__ import annotations

import json
import random
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.bench import Samples, benchmark
from kiosk.demo import prepare_demo
from kiosk.office import OfficeContext, open_office
from kiosk.paths import Paths
from kiosk.reports.monthly import write_monthly_report
from printing.qtenv import ensure_qt
from printing.report import write_report_pdf
from tests.helpers.activity import Activity, Visitor, local

VISITS = 30_000
PERSONS = 8_000
FIRST_DAY = date(2025, 12, 1)
MONTH = "2026-11"
NOW = datetime(2026, 12, 15, tzinfo=UTC)
REPEATS = 12
NEEDS = ("residence_papers", "health", "civil_registration", "employment", "housing",
         "legal_aid", "education", "pensions_social_security", "consular")  # fmt: skip
NATIONALITIES = ("SN", "CI", "ML", "GN", "CM", "NG", "CD", "SD", "SY", "YE", "FR", "ES", "MA")
REASONS = ("pensions_social_security", "civil_registration", "residence_papers")


def _year(activity: Activity, rng: random.Random) -> int:
    """Write the year's visits; returns how many fell in the reported month."""
    persons: list[tuple[Visitor, dict[str, Any]]] = []
    in_month = 0
    for number in range(VISITS):
        day = FIRST_DAY + timedelta(days=number * 365 // VISITS)
        at = local(day, rng.randint(8, 16), rng.randint(0, 59))
        in_month += day.strftime("%Y-%m") == MONTH
        activity.ticket(at, rng.choice(REASONS), "done", rng.uniform(1, 60), rng.uniform(5, 30))
        needs = rng.sample(NEEDS, rng.randint(1, 2))
        if number % 20 == 19:
            activity.anonymous(at, sex=rng.choice("fm"), age_band="18-29", category="rpt",
                               needs=needs)  # fmt: skip
            continue
        if len(persons) < PERSONS and (number < PERSONS or rng.random() < 0.3):
            answers: dict[str, Any] = {
                "sex": rng.choice("fm"),
                "birth_year": rng.randint(1950, 2010),
                "nationality": rng.choices(NATIONALITIES, weights=range(13, 0, -1))[0],
                "category": rng.choice(("rpt", "mre", "mre_returnee")),
            }
            persons.append((activity.person(at, **answers), answers))
        visitor, answers = rng.choice(persons)
        activity.visit(visitor, at, needs, **answers)
        if number % 3 == 0:
            answered = at + timedelta(days=rng.uniform(0.5, 20))
            done = answered + timedelta(days=rng.uniform(1, 10))
            activity.referral(visitor, at, needs[0], [("accepted", answered), ("done", done)])
        if number % 5 == 0:
            activity.step(visitor, at, day + timedelta(days=rng.randint(3, 30)))
        if number % 4 == 0:
            activity.need_state(visitor, needs[0], "met", at + timedelta(days=rng.randint(1, 40)))
    return in_month


def _timed(kind: str, context: OfficeContext, folder: Path) -> list[float]:
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        write_monthly_report(context, MONTH, "fr", kind, folder / f"report.{kind}",
                             write_report_pdf, NOW)  # fmt: skip
        timings.append((time.perf_counter() - started) * 1000)
    return timings


@benchmark("report_monthly")
def report_monthly() -> Samples:
    """The month's PDF (its timings), XLSX and JSON of a busy office's year."""
    ensure_qt()
    with tempfile.TemporaryDirectory() as folder:
        paths = Paths.resolve(folder)
        prepare_demo(paths)
        context = open_office(paths)
        activity = Activity(context.office_id)
        started = time.perf_counter()
        in_month = _year(activity, random.Random(15))
        activity.insert(context.store)
        setup_s = time.perf_counter() - started
        out = Path(folder)
        pdf = _timed("pdf", context, out)
        xlsx = Samples(_timed("xlsx", context, out)).figures()
        json_figures = Samples(_timed("json", context, out)).figures()
        answer = json.loads((out / "report.json").read_text(encoding="utf-8"))
        context.close()
    assert answer["visits"] == in_month and answer["month"] == MONTH
    return Samples(
        pdf,
        {
            "xlsx_median_ms": xlsx["median_ms"],
            "xlsx_p95_ms": xlsx["p95_ms"],
            "json_median_ms": json_figures["median_ms"],
            "json_p95_ms": json_figures["p95_ms"],
            "visits": VISITS,
            "persons": PERSONS,
            "month_visits": in_month,
            "setup_s": setup_s,
        },
    )
