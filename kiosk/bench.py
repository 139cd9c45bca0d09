"""``baom bench``: runs the benchmark suite of tests/bench and prints medians and p95.

A benchmark is a function registered with :func:`benchmark` that returns its samples in
milliseconds (and, if it likes, extra figures such as ``rss_mb``). The suite lives beside
the tests, apart from them, in files named ``bench_*.py``.
"""

from __future__ import annotations

import importlib.util
import json
import statistics
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUITE = Path(__file__).resolve().parent.parent / "tests" / "bench"


@dataclass
class Samples:
    """What one benchmark measured: timings in milliseconds, and other figures (shown with
    two decimals: a ratio such as the start-up's over its floor needs them)."""

    milliseconds: list[float]
    extra: dict[str, float] = field(default_factory=dict)

    def figures(self) -> dict[str, float]:
        """Median, 95th percentile, count, and the extra figures."""
        ordered = sorted(self.milliseconds)
        p95 = (
            statistics.quantiles(ordered, n=20, method="inclusive")[18]
            if len(ordered) > 1
            else ordered[0]
        )
        return {
            "median_ms": round(statistics.median(ordered), 3),
            "p95_ms": round(p95, 3),
            "n": len(ordered),
            **{name: round(value, 2) for name, value in self.extra.items()},
        }


Benchmark = Callable[[], Samples]
_REGISTRY: dict[str, Benchmark] = {}


def benchmark(name: str) -> Callable[[Benchmark], Benchmark]:
    """Register a benchmark under ``name``."""

    def register(function: Benchmark) -> Benchmark:
        _REGISTRY[name] = function
        return function

    return register


def discover(folder: Path = SUITE) -> dict[str, Benchmark]:
    """Import every ``bench_*.py`` of the suite and return the registered benchmarks."""
    if not folder.is_dir():
        raise FileNotFoundError(f"the benchmark suite ships with the source tree ({folder})")
    source_tree = str(folder.parent.parent)
    if source_tree not in sys.path:  # benchmarks share the tests' helpers and data
        sys.path.insert(0, source_tree)
    for path in sorted(folder.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(f"baom_bench_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return dict(_REGISTRY)


def run_benchmarks(only: Iterable[str] | None, *, as_json: bool, folder: Path = SUITE) -> int:
    """Run the suite (or the benchmarks named in ``only``) and print the figures; a
    benchmark this PC cannot run says why in place of its figures (exit code 1)."""
    suite = discover(folder)
    wanted = list(only) if only else list(suite)
    unknown = [name for name in wanted if name not in suite]
    if unknown:
        print(
            f"baom: no benchmark named {', '.join(unknown)} (known: {', '.join(suite)})",
            file=sys.stderr,
        )
        return 1
    results: dict[str, dict[str, Any]] = {}
    for name in wanted:
        print(f"running {name}…", file=sys.stderr)
        try:
            results[name] = suite[name]().figures()
        except Exception as error:  # one benchmark this PC cannot run loses no other figure
            print(f"baom: {name} gave no figure: {error}", file=sys.stderr)
            results[name] = {"error": str(error)}
    if as_json:
        print(json.dumps(results, sort_keys=True))
    else:
        for name, figures in results.items():
            details = ", ".join(f"{key} {value}" for key, value in figures.items())
            print(f"{name}: {details}")
    return 1 if any("error" in figures for figures in results.values()) else 0
