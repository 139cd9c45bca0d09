"""Sync benchmarks against a real regional server process over loopback.

``sync_100k``: 100,000 envelopes pushed and 100,000 server changes (directory rows)
pulled, end to end, by ``baom sync --once`` in a process of its own whose peak RSS is
reported (``client_rss_mb``); targets 60 s and 300 MB. ``sync_idle``: a round with
nothing to do (target 100 ms).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from kiosk.bench import Samples, benchmark
from kiosk.office import create_office, open_office, open_store
from kiosk.paths import Paths
from kiosk.sync import rounds
from regional.changes import append_many
from tests.helpers import regional
from tests.helpers.sync_office import command, fill_outbox

ENVELOPES = 100_000
CHANGES = 100_000
IDLE_ROUNDS = 30

# A ``baom`` process that reports its own peak: VmHWM of its memory map. ``ru_maxrss``
# would not do: Linux carries it over an exec, so a child spawned by a big bench process
# reports the parent's size.
MEASURED = (
    "import re, sys\n"
    "from pathlib import Path\n"
    "from ui.main import main\n"
    "code = main(sys.argv[1:])\n"
    "status = Path('/proc/self/status').read_text()\n"
    "peak = int(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1)) / 1024\n"
    "print(f'PEAK_RSS_MB {peak:.1f}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _office(folder: Path, server: regional.Server) -> Paths:
    paths = Paths.resolve(folder)
    store, _ = open_store(paths, create=True)
    create_office(store, "BAOM Bench")
    store.close()
    context = open_office(paths)
    _, code = regional.add_office(server.db_url, "BAOM Bench")
    rounds.enrol(context.store, context.office_id, server.url, code)
    context.close()
    return paths


def _directory_changes(server: regional.Server, count: int) -> None:
    """``count`` directory organizations waiting on the server for every office."""
    now = datetime.now(UTC).replace(tzinfo=None)
    engine = create_engine(server.db_url)
    with Session(engine) as session:
        for start in range(0, count, 10_000):
            rows: list[dict[str, Any]] = []
            for number in range(start, min(count, start + 10_000)):
                row_id = f"00000000-0000-4000-8000-{number:012d}"
                payload = {"id": row_id, "name": f"Association {number}", "translations": {}}
                rows.append(
                    {
                        "office_id": None,
                        "entity_type": "directory_organization",
                        "entity_id": row_id,
                        "operation": "upsert",
                        "payload": payload,
                        "at": now,
                    }
                )
            append_many(session, None, rows)
        session.commit()
    engine.dispose()


@benchmark("sync_100k")
def sync_100k() -> Samples:
    """100,000 envelopes up and 100,000 changes down in one ``baom sync --once`` process."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with regional.running_server(root / "regional") as server:
            paths = _office(root / "office", server)
            fill_outbox(paths.data_dir, ENVELOPES - 2)  # + the office record and its audit
            _directory_changes(server, CHANGES)
            argv = command(paths.data_dir, "sync", "--once", "--json")
            argv[2] = MEASURED
            started = time.perf_counter()
            done = subprocess.run(argv, capture_output=True, text=True, timeout=600)
            elapsed = (time.perf_counter() - started) * 1000
            if done.returncode != 0:
                raise RuntimeError(f"the sync failed: {done.stderr}")
            answer = json.loads(done.stdout)
            assert answer["push"]["sent"] >= ENVELOPES, answer
            assert answer["pull"]["changes"] == CHANGES, answer
            peak = float(done.stderr.split("PEAK_RSS_MB")[1].split()[0])
    return Samples([elapsed], {"client_rss_mb": peak})


@benchmark("sync_idle")
def sync_idle() -> Samples:
    """A round with nothing to push and nothing to pull (an office up to date)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with regional.running_server(root / "regional") as server:
            paths = _office(root / "office", server)
            context = open_office(paths)
            rounds.sync_round(context.store, context.office_id)
            timings = []
            for _ in range(IDLE_ROUNDS):
                started = time.perf_counter()
                result = rounds.sync_round(context.store, context.office_id)
                timings.append((time.perf_counter() - started) * 1000)
                assert result.ok and result.pushed.sent == 0, result.as_json()
            context.close()
    return Samples(timings)


if __name__ == "__main__":  # python -m tests.bench.bench_sync [name]
    for name, function in (("sync_idle", sync_idle), ("sync_100k", sync_100k)):
        if len(sys.argv) < 2 or name in sys.argv[1:]:
            print(name, function().figures(), flush=True)
