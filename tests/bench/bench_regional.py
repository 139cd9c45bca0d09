"""Regional server benchmarks on a durable PostgreSQL cluster.

``server_throughput``: envelopes accepted per second, 16 offices pushing at once.
``sync_under_attack``: 200 offices syncing through two server processes on one database
while partners use their pages and an attacker guesses codes and tokens and sends pushes
of the largest size under made-up tokens (``regional.load``); the samples are the
legitimate sync requests' wall times. Its bars (issue #12): sync p95 ≤ 500 ms, no envelope
lost or duplicated, peak RSS ≤ 1 GiB, the attacker answered only 401, 404, 413 or 429
(``bars_missed`` counts the misses, named on stderr).
``region_dashboard``: the region's dashboard page with its map of the communes (French and
Arabic, counts and rates per 10,000 inhabitants) and its CSV and XLSX exports from a real
server on 16 offices' three years of statistics records (150 a month each); the months are
published by a first reading, timed apart (``publish_s``). Its bar: p95 ≤ 300 ms for the
page and for each export (``page_p95_ms``, ``csv_p95_ms``, ``xlsx_p95_ms``; their medians
too); the CMSM secretariat's page too (``cmsm_p95_ms``: 15 member associations, a third of
the referrals to one of them).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date

import httpx

from kiosk.bench import Samples, benchmark
from regional.bench import client_address, fill_statistics, measure_throughput, start_server
from regional.clock import utcnow
from regional.database import make_engine, session_factory
from regional.limits import PUSH_MAX_BYTES
from regional.load import AttackPlan, LoadPlan, run_under_attack
from regional.region_accounts import add_account
from regional.stats import latest_published_month
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


DASHBOARD_OFFICES = 16
DASHBOARD_MONTHS = 36
RECORDS_PER_MONTH = 150
DASHBOARD_READS = 20
DASHBOARD_PATHS = {
    "page": ("/dashboard?lang=fr", "/dashboard?lang=ar&measure=rate"),
    "csv": ("/dashboard.csv?lang=fr", "/dashboard.csv?lang=ar"),
    "xlsx": ("/dashboard.xlsx?lang=fr", "/dashboard.xlsx?lang=ar"),
    "cmsm": ("/dashboard/cmsm?lang=fr", "/dashboard/cmsm?lang=ar"),
}


def _months_to(last: str, count: int) -> list[str]:
    year, number = (int(part) for part in last.split("-"))
    first = date(year, number, 1)
    months = []
    for back in range(count - 1, -1, -1):
        total = first.year * 12 + first.month - 1 - back
        months.append(f"{total // 12:04d}-{total % 12 + 1:02d}")
    return months


@benchmark("region_dashboard")
def region_dashboard() -> Samples:
    """The dashboard and its exports on a durable PostgreSQL cluster, read as region staff."""
    months = _months_to(latest_published_month(utcnow()), DASHBOARD_MONTHS)
    login = ("bench", "bench-password")
    timings: dict[str, list[float]] = {kind: [] for kind in DASHBOARD_PATHS}
    with throwaway_cluster(durable=True) as cluster, tempfile.TemporaryDirectory() as folder:
        url = cluster.url(cluster.new_database())
        fill_statistics(url, DASHBOARD_OFFICES, months, RECORDS_PER_MONTH)
        engine = make_engine(url)
        with session_factory(engine)() as session, session.begin():
            add_account(session, login[0], "region", login[1], utcnow())
        engine.dispose()
        options = ["--forwarded-allow-ips", "127.0.0.1"]
        process, base = start_server(url, folder, options)
        try:
            with httpx.Client(base_url=base, auth=login, timeout=600) as client:
                n = 0

                def read(path: str) -> float:
                    nonlocal n
                    n += 1  # each from an address of its own: the login rate limit is per client
                    started = time.perf_counter()
                    answer = client.get(path, headers={"X-Forwarded-For": client_address(3, n)})
                    answer.raise_for_status()
                    return (time.perf_counter() - started) * 1000

                publish_ms = read("/dashboard")  # publishes the 36 months
                for _round in range(DASHBOARD_READS // 2):
                    for kind, paths in DASHBOARD_PATHS.items():
                        timings[kind] += [read(path) for path in paths]
        finally:
            process.kill()
            process.wait(timeout=10)
    figures = {
        f"{kind}_p95_ms": statistics.quantiles(ms, n=20, method="inclusive")[18]
        for kind, ms in timings.items()
    }
    figures |= {f"{kind}_median_ms": statistics.median(ms) for kind, ms in timings.items()}
    figures |= {
        "publish_s": publish_ms / 1000,
        "records": DASHBOARD_OFFICES * DASHBOARD_MONTHS * RECORDS_PER_MONTH,
    }
    return Samples([ms for kind in timings.values() for ms in kind], figures)
