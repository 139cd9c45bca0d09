"""Backup benchmark on a real encrypted office database.

``backup_now``: an office of 10,000 persons (each with the case, visit, two needs and
intake of an intake, and their audit entries) backed up five times (``kiosk.backups``,
what ``baom backup now`` and the windows' daily backup run); with the file's size
(``size_mb``), the time to verify it (``verify_ms``: opening and ``integrity_check``), and
the longest intake saved by another thread while a backup ran (``longest_write_ms``: the
online backup copies in one read transaction and does not hold writers up).
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

from db.uow import Actor
from kiosk import backups
from kiosk.bench import Samples, benchmark
from kiosk.cases.intake import IntakeRequest, submit_intake
from kiosk.office import OfficeContext, create_office, open_office, open_store
from kiosk.paths import Paths
from tests.bench.bench_restore import _persons
from tests.helpers.intake import answers

PERSONS = 10_000
ROUNDS = 5


def backup_figures(persons: int = PERSONS) -> Samples:
    """Back an office of ``persons`` up ``ROUNDS`` times; verify; write during a backup."""
    with tempfile.TemporaryDirectory() as folder:
        paths = Paths.resolve(Path(folder) / "office")
        store, _ = open_store(paths, create=True)
        create_office(store, "BAOM Bench")
        store.close()
        _persons(paths, persons)
        context = open_office(paths)
        try:
            timings = []
            for _ in range(ROUNDS):
                started = time.perf_counter()
                report = backups.take_backup(context, Actor.system)
                timings.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            backups.verify_backup(paths, report.path, Actor.system)
            verify_ms = (time.perf_counter() - started) * 1000
            longest = _longest_write_during_a_backup(context)
            size_mb = report.path.stat().st_size / 1e6
        finally:
            context.close()
    return Samples(
        timings, {"size_mb": size_mb, "verify_ms": verify_ms, "longest_write_ms": longest}
    )


def _longest_write_during_a_backup(context: OfficeContext) -> float:
    """The longest intake saved while a backup runs on another thread, in ms."""
    backing_up = threading.Thread(target=backups.take_backup, args=(context, Actor.system))
    longest = 0.0
    backing_up.start()
    while backing_up.is_alive():
        started = time.perf_counter()
        submit_intake(context.store, context.system, IntakeRequest(answers()))
        longest = max(longest, (time.perf_counter() - started) * 1000)
    backing_up.join()
    return longest


@benchmark("backup_now")
def backup_now() -> Samples:
    """An office of 10,000 persons backed up, verified, and written to during a backup."""
    return backup_figures(PERSONS)


if __name__ == "__main__":  # python -m tests.bench.bench_backup [persons]
    print(backup_figures(int(sys.argv[1]) if len(sys.argv) > 1 else PERSONS).figures())
