"""Itinerary benchmarks: applying a template to a case's need on the demo office."""

from __future__ import annotations

import tempfile
import time

from kiosk.bench import Samples, benchmark
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.cases.work import apply_itinerary
from kiosk.demo import prepare_demo
from kiosk.office import open_office
from kiosk.paths import Paths
from tests.helpers.intake import answers

APPLIES = 100
NEEDS = ("health", "civil_registration", "education", "pensions_social_security", "legal_aid")


@benchmark("itinerary_apply")
def itinerary_apply() -> Samples:
    """Applying the proposed template to a need of a case (itinerary, its steps planned,
    outbox, audit) and reading it back as the desk shows it, encrypted."""
    with tempfile.TemporaryDirectory() as folder:
        paths = Paths.resolve(folder)
        prepare_demo(paths)
        context = open_office(paths)
        codes = [
            submit_intake(
                context.store,
                context.system,
                IntakeRequest(answers(person__given_name=f"Awa{n}", needs=list(NEEDS))),
            ).case_code
            for n in range(APPLIES // len(NEEDS) + 1)
        ]
        timings = []
        for number in range(APPLIES):
            code, need = codes[number // len(NEEDS)], NEEDS[number % len(NEEDS)]
            assert code is not None
            start = time.perf_counter()
            apply_itinerary(context, context.system, code, need)
            timings.append((time.perf_counter() - start) * 1000)
        context.close()
    return Samples(timings)
