"""Restore benchmark against a real regional server process over loopback (SQLite).

``office_restore``: an office of 10,000 persons (each with the case, visit, two needs and
intake of an intake, and their audit entries) pushed to the region; then ``baom office
restore`` rebuilds it on a new PC in a process of its own, timed from start to exit, whose
peak RSS is reported (``rss_mb``) with the records it wrote (``records``). Target: 60 s.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from db.store import Store
from db.uow import Actor, UnitOfWork
from kiosk.bench import Samples, benchmark
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.office import create_office, open_office, open_store
from kiosk.paths import Paths
from kiosk.recovery import office_recovery_key, words
from kiosk.sync import rounds
from tests.bench.bench_sync import MEASURED
from tests.helpers import regional
from tests.helpers.intake import answers
from tests.helpers.sync_office import command, server_count

PERSONS = 10_000
BATCH = 1_000
NEEDS = ["health", "civil_registration", "housing", "legal_aid", "employment", "education"]


class _OneUnitOfWork:
    """A store whose every unit of work is ``uow``: many intakes in one transaction."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    @contextmanager
    def unit_of_work(self, _actor: Actor) -> Iterator[UnitOfWork]:
        yield self.uow


def _persons(paths: Paths, count: int) -> None:
    """``count`` intakes, each a new person with a case, a visit and two needs."""
    context = open_office(paths)
    try:
        for start in range(0, count, BATCH):
            with context.store.unit_of_work(context.system) as uow:
                batch = cast(Store, _OneUnitOfWork(uow))
                for number in range(start, min(count, start + BATCH)):
                    values = answers(
                        person__given_name=f"Personne{number:05d}",
                        person__phone=f"06{number:08d}",
                        person__birth_year=1950 + number % 55,
                        needs=[NEEDS[number % 6], NEEDS[(number + 1) % 6]],
                    )
                    submit_intake(batch, context.system, IntakeRequest(values))
    finally:
        context.close()


def _synced_office(folder: Path, server: regional.Server, persons: int) -> tuple[str, str]:
    """An office of ``persons`` pushed to ``server``: its server id and recovery words."""
    paths = Paths.resolve(folder)
    store, _ = open_store(paths, create=True)
    create_office(store, "BAOM Bench")
    key_words = " ".join(words(office_recovery_key(store)))
    store.close()
    office_id, code = regional.add_office(server.db_url, "BAOM Bench")
    context = open_office(paths)
    try:
        rounds.enrol(context.store, context.office_id, server.url, code)
        _persons(paths, persons)
        result = rounds.sync_round(context.store, context.office_id)
        assert result.ok and result.pushed.accepted > persons * 10, result.as_json()
    finally:
        context.close()
    return office_id, key_words


def _new_code(server: regional.Server, office_id: str) -> str:
    done = subprocess.run(
        [
            *regional.command(),
            "office",
            "code",
            office_id,
            "--replace",
            "--db",
            server.db_url,
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return str(json.loads(done.stdout)["enrolment_code"])


def restore_figures(persons: int = PERSONS) -> Samples:
    """Push an office of ``persons``; time ``baom office restore`` in a process of its own."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with regional.running_server(root / "regional") as server:
            office_id, key_words = _synced_office(root / "office", server, persons)
            held = server_count(server, office_id)
            argv = command(root / "new-pc", "office", "restore", "--server", server.url)
            argv += ["--code", _new_code(server, office_id), "--json"]
            argv[2] = MEASURED
            started = time.perf_counter()
            done = subprocess.run(
                argv, input=key_words + "\n", capture_output=True, text=True, timeout=900
            )
            elapsed = (time.perf_counter() - started) * 1000
            if done.returncode != 0:
                raise RuntimeError(f"the restore failed: {done.stderr}")
            answer = json.loads(done.stdout)
            assert answer["records"] == held, (answer, held)
            peak = float(done.stderr.split("PEAK_RSS_MB")[1].split()[0])
    return Samples([elapsed], {"rss_mb": peak, "records": float(held)})


@benchmark("office_restore")
def office_restore() -> Samples:
    """An office of 10,000 persons restored from the region by ``baom office restore``."""
    return restore_figures(PERSONS)


if __name__ == "__main__":  # python -m tests.bench.bench_restore [persons]
    print(restore_figures(int(sys.argv[1]) if len(sys.argv) > 1 else PERSONS).figures())
