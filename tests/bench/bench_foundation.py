"""Foundation benchmarks: cold start of the three windows, and one write on the encrypted store."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from db.models import Setting
from kiosk.bench import Samples, benchmark
from kiosk.demo import prepare_demo
from kiosk.office import open_office
from kiosk.paths import Paths

STARTUP_RUNS = 10
BAOM = [sys.executable, "-m", "ui.main"]
FLOOR = [sys.executable, "-m", "ui.startup_floor"]
WRITES = 400


@benchmark("startup")
def startup() -> Samples:
    """Cold start of ``baom run --desk --kiosk --display --side-by-side --smoke`` (one screen
    here), each in a fresh process,
    and its floor in the same run: ``python -m ui.startup_floor`` (the same big imports and
    three empty windows painted, timed the same way). ``floor_ms`` is the floor's median,
    ``ratio`` the start's median over it. The two alternate, so that a machine busy for a
    while slows both.

    Both start as an installed program does, from compiled bytecode: the first run of each
    writes it to a folder of its own (``PYTHONPYCACHEPREFIX``, even where
    ``PYTHONDONTWRITEBYTECODE`` is set), and only warms up."""
    with tempfile.TemporaryDirectory() as folder:
        prepare_demo(Paths.resolve(folder))
        windows = ["--desk", "--kiosk", "--display", "--side-by-side"]  # one screen here
        command = [*BAOM, "--data-dir", folder, "run", *windows, "--smoke"]
        environment = {
            **os.environ,
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "PYTHONPYCACHEPREFIX": str(Path(folder, "bytecode")),
        }
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        timings, floors, memory = [], [], []
        for run in range(STARTUP_RUNS + 1):
            figures = _smoke_figures(command, environment)
            floor = _smoke_figures(FLOOR, environment)
            if run:  # the first run only warms the disk cache
                timings.append(figures["startup_ms"])
                memory.append(figures["rss_mb"])
                floors.append(floor["startup_ms"])
    floor_ms = statistics.median(floors)
    return Samples(
        timings,
        {
            "rss_mb": max(memory),
            "floor_ms": floor_ms,
            "ratio": statistics.median(timings) / floor_ms,
        },
    )


def _smoke_figures(command: list[str], environment: dict[str, str]) -> dict[str, float]:
    """The start-up figures a ``--smoke`` run prints on its last line."""
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, env=environment, timeout=120
    ).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    return {"startup_ms": float(figures["startup_ms"]), "rss_mb": float(figures["rss_mb"])}


@benchmark("uow_write")
def uow_write() -> Samples:
    """One record, its outbox envelope and its audit entry, committed on the encrypted store."""
    with tempfile.TemporaryDirectory() as folder:
        paths = Paths.resolve(folder)
        prepare_demo(paths)
        context = open_office(paths)
        timings = []
        for number in range(WRITES):
            started = time.perf_counter()
            with context.store.unit_of_work(context.system) as uow:
                uow.add(Setting(key=f"bench.{number}", value=str(number)))
            timings.append((time.perf_counter() - started) * 1000)
        context.close()
        assert Path(folder, "baom.db").exists()
    return Samples(timings)
