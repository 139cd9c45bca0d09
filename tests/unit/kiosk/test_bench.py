"""``baom bench``: a benchmark this PC cannot run loses no other figure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.bench import run_benchmarks

SUITE = """
from kiosk.bench import Samples, benchmark


@benchmark("test_measured")
def measured() -> Samples:
    return Samples([1.0, 2.0, 3.0])


@benchmark("test_without_sound")
def without_sound() -> Samples:
    raise RuntimeError("needs an audio output")
"""


def test_a_benchmark_that_cannot_run_says_why_and_the_others_are_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "tests" / "bench"
    folder.mkdir(parents=True)
    (folder / "bench_two.py").write_text(SUITE, encoding="utf-8")

    code = run_benchmarks(["test_without_sound", "test_measured"], as_json=True, folder=folder)

    figures = json.loads(capsys.readouterr().out)
    assert code == 1
    assert figures["test_without_sound"] == {"error": "needs an audio output"}
    assert figures["test_measured"]["median_ms"] == 2.0
