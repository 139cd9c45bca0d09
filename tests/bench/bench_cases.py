"""Case benchmarks: saving an intake, finding a person among 200,000, listing 200,000 cases."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, text

from db.base import new_id, utcnow
from db.cases import Case, Person, PersonKey
from kiosk.bench import Samples, benchmark
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.cases.persons import search_keys, search_persons
from kiosk.cases.views import list_cases
from kiosk.cases.work import read_case
from kiosk.demo import prepare_demo
from kiosk.office import OfficeContext, open_office
from kiosk.paths import Paths
from tests.helpers.intake import answers

PEOPLE = 200_000
SAVES = 200
SEARCHES = 300
PAGES = 200
OPENINGS = 100
GIVEN = (
    "Mohamed|محمد|Fatima|فاطمة|Fadma|Ahmed|أحمد|Khadija|خديجة|Youssef|يوسف|Aminata|"
    "Moussa|Mamadou|Awa|Ibrahima|Brahim|إبراهيم|Aicha|عائشة|Hassan|حسن|Lahcen|لحسن|"
    "Zineb|Mariam|Omar|عمر|Saida|ⴰⵎⵉⵏⴰ|Fatou|Seydou|Kouadio|Abdellah|عبد الله|Rachid|"
    "رشيد|Naima"
).split("|")
FAMILY = (
    "Alaoui|العلوي|Ait Taleb|آيت الطالب|Diallo|Traoré|Ouedraogo|Benali|بن علي|Amrani|"
    "العمراني|Bakri|Idrissi|الإدريسي|Camara|Koné|Sow|Ait Ahmed|Oubaha|أوباها|Lahlou|"
    "Tazi|Ndiaye|Bouzid|Ouali|Chafik"
).split("|")
QUERIES = (
    "Mohamed Alaoui|محمد|fatima ait|Khadidja|youssef ben|Diallo|moh|0600 01|1975|"
    "Aminata 1990|Ibrahim Camara|عبد الله الإدريسي|ⴰⵎⵉⵏⴰ"
).split("|")


def _people(rng: random.Random) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    now = utcnow()
    for number in range(PEOPLE):
        person_id, given, family = new_id(), rng.choice(GIVEN), rng.choice(FAMILY)
        person = {
            "id": person_id,
            "office_id": uuid.UUID(int=0),
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "given_name": given,
            "family_name": family,
            "sex": rng.choice("fm"),
            "birth_year": rng.randint(1940, 2010),
            "nationality": rng.choice(("MA", "SN", "CI", "GN", "ML")),
            "category": rng.choice(("mre", "rpt", "other")),
            "commune": "Taliouine",
            "phone": f"+2126{number:08d}",
            "language": "fr",
        }
        case = {
            "id": new_id(),
            "office_id": person["office_id"],
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "code": f"C-{number:06d}",
            "person_id": person_id,
            "status": rng.choice(("open", "closed")),
            "opened_at": now - timedelta(minutes=PEOPLE - number),
        }
        yield person, case


@contextmanager
def _office_with_people() -> Iterator[OfficeContext]:
    with tempfile.TemporaryDirectory() as folder:
        paths = Paths.resolve(folder)
        prepare_demo(paths)
        context = open_office(paths)
        rng = random.Random(7)
        with context.store.session() as session, session.begin():
            # setting up, not measured: a cache for the 2 million search keys' index
            session.execute(text("PRAGMA cache_size = -262144"))
            rows = list(_people(rng))
            session.execute(insert(Person), [person for person, _ in rows])
            session.execute(insert(Case), [case for _, case in rows])
            keys = {  # inserted in the index's order: twice as fast
                (key, person["id"])
                for person, _ in rows
                for key in search_keys(
                    f"{person['given_name']} {person['family_name']}",
                    person["phone"],
                    person["birth_year"],
                )
            }
            session.execute(
                insert(PersonKey), [{"person_id": p, "key": k} for k, p in sorted(keys)]
            )
        try:
            yield context
        finally:
            context.close()


def _timed(action: Any, count: int) -> list[float]:
    timings = []
    for number in range(count):
        started = time.perf_counter()
        action(number)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


@benchmark("intake_save")
def intake_save() -> Samples:
    """A whole intake (person, case, visit, needs, intake, outbox, audit), encrypted."""
    with tempfile.TemporaryDirectory() as folder:
        paths = Paths.resolve(folder)
        prepare_demo(paths)
        context = open_office(paths)
        names = [(g, f) for g in GIVEN for f in FAMILY]

        def save(number: int) -> None:
            given, family = names[number % len(names)]
            values = answers(person__given_name=given, person__family_name=family)
            submit_intake(context.store, context.system, IntakeRequest(values))

        timings = _timed(save, SAVES)
        context.close()
    return Samples(timings)


@benchmark("person_search")
def person_search() -> Samples:
    """One search typed at the desk, among 200,000 persons (names in three scripts)."""
    with _office_with_people() as context:
        with context.store.session() as session:
            found = _timed(lambda n: search_persons(session, QUERIES[n % len(QUERIES)]), SEARCHES)
            assert search_persons(session, "Mohamed Alaoui")
    return Samples(found, {"persons": PEOPLE})


@benchmark("case_list")
def case_list() -> Samples:
    """The first page of open cases (with names), among 200,000 cases."""
    with _office_with_people() as context:
        with context.store.session() as session:
            pages = _timed(lambda n: list_cases(session, open_only=bool(n % 2)), PAGES)
            assert len(list_cases(session)) == 50
    return Samples(pages, {"cases": PEOPLE})


@benchmark("case_open")
def case_open() -> Samples:
    """An officer opening a case: the case read and its ``case.read`` audit entry written
    (chained, with its sealed envelope); ``read_ms`` is the read alone."""
    with tempfile.TemporaryDirectory() as folder:
        paths = Paths.resolve(folder)
        prepare_demo(paths)
        context = open_office(paths)
        codes = [
            str(submit_intake(context.store, context.system, IntakeRequest(answers())).case_code)
            for _ in range(10)
        ]
        opened = _timed(
            lambda n: read_case(context, codes[n % 10], reader=context.system), OPENINGS
        )
        read = _timed(lambda n: read_case(context, codes[n % 10]), OPENINGS)
        context.close()
    return Samples(opened, {"read_ms": round(statistics.median(read), 3)})
