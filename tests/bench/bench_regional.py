"""Regional server benchmark: envelopes accepted per second on PostgreSQL, 16 offices at once."""

from __future__ import annotations

import time

from kiosk.bench import Samples, benchmark
from regional.bench import measure_throughput
from tests.helpers.postgres import throwaway_cluster

OFFICES = 16
ENVELOPES = 32_000
RUNS = 3


@benchmark("server_throughput")
def server_throughput() -> Samples:
    """A real server process on a durable PostgreSQL cluster; 16 offices push batches of 500."""
    rates, timings = [], []
    with throwaway_cluster(durable=True) as cluster:
        for _ in range(RUNS):
            database = cluster.new_database()
            started = time.perf_counter()
            rates.append(measure_throughput(cluster.url(database), OFFICES, ENVELOPES))
            timings.append((time.perf_counter() - started) * 1000)
    return Samples(timings, {"envelopes_per_s": min(rates), "offices": OFFICES})
