"""Regional server benchmarks on a durable PostgreSQL cluster.

``server_throughput``: envelopes accepted per second, 16 offices pushing at once.
``sync_under_attack``: 200 offices syncing through two server processes on one database
while partners use their pages and an attacker guesses codes and tokens and sends pushes
of the largest size under made-up tokens (``regional.load``); the samples are the
legitimate sync requests' wall times. Its bars (issue #12): sync p95 ≤ 500 ms, no envelope
lost or duplicated, peak RSS ≤ 1 GiB, the attacker answered only 401, 404, 413 or 429
(``bars_missed`` counts the misses, named on stderr).
"""

from __future__ import annotations

import sys
import time

from kiosk.bench import Samples, benchmark
from regional.bench import measure_throughput
from regional.limits import PUSH_MAX_BYTES
from regional.load import AttackPlan, LoadPlan, run_under_attack
from tests.helpers.postgres import throwaway_cluster

OFFICES = 16
ENVELOPES = 32_000
RUNS = 3
UNDER_ATTACK = LoadPlan(
    offices=200,
    duration_s=75.0,
    servers=2,
    attack=AttackPlan(big_pushers=2, big_push_bytes=PUSH_MAX_BYTES, big_push_budget_s=10.0),
)


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


@benchmark("sync_under_attack")
def sync_under_attack() -> Samples:
    """Two servers on one durable PostgreSQL database: offices, partners and an attacker."""
    with throwaway_cluster(durable=True) as cluster:
        report = run_under_attack(cluster.url(cluster.new_database()), UNDER_ATTACK)
    for bar in report.missed_bars():
        print(f"sync_under_attack: bar missed: {bar}", file=sys.stderr)
    return Samples(report.sync_ms, report.figures())
