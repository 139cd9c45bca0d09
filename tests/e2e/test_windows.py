"""``baom run --smoke``: the windows open, get painted, and report what start-up cost."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from kiosk.office import OfficeContext


def run_smoke(office: OfficeContext, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``baom --data-dir … run ARGS --smoke`` in a fresh process, off screen."""
    data_dir = str(office.paths.data_dir)
    return subprocess.run(
        [sys.executable, "-m", "ui.main", "--data-dir", data_dir, "run", *args, "--smoke"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def test_the_three_windows_open_and_are_painted(office: OfficeContext) -> None:
    result = run_smoke(office, "--desk", "--kiosk", "--display")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    report = json.loads(lines[0])
    assert set(report) == {"startup_ms", "rss_mb", "windows"}
    assert report["windows"] == ["desk", "kiosk", "display"]
    assert 0 < report["startup_ms"] < 20_000
    assert 20 < report["rss_mb"] < 1000
    assert "Traceback" not in result.stderr


def test_a_missing_screen_is_reported_and_the_primary_one_used(office: OfficeContext) -> None:
    result = run_smoke(office, "--display", "--screen", "7")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["windows"] == ["display"]
    assert "there is no screen 7" in result.stderr
