"""``baom run --smoke``: the windows open on their screens, get painted, and report what
start-up cost and where each window is. Several screens are the offscreen plugin's own
(``offscreen:configfile=…``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.office import OfficeContext


def screens(folder: Path, *sizes: tuple[int, int]) -> str:
    """The offscreen platform with screens of these sizes, side by side, the first primary."""
    entries, x = [], 0
    for number, (width, height) in enumerate(sizes):
        entries.append(
            {"name": f"screen{number}", "x": x, "y": 0, "width": width, "height": height}
            | {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
        )
        x += width
    path = folder / f"screens{len(sizes)}.json"
    path.write_text(json.dumps({"screens": entries}), encoding="utf-8")
    return f"offscreen:configfile={path}"


def baom(office: OfficeContext, platform: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``baom --data-dir … ARGS`` in a fresh process on ``platform``."""
    data_dir = str(office.paths.data_dir)
    return subprocess.run(
        [sys.executable, "-m", "ui.main", "--data-dir", data_dir, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": platform},
    )


def run_smoke(office: OfficeContext, platform: str, *args: str) -> dict[str, Any]:
    """``baom run ARGS --smoke``: its report, once every window is painted."""
    result = baom(office, platform, "run", *args, "--smoke")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    report: dict[str, Any] = json.loads(lines[0])
    report["stderr"] = result.stderr
    return report


def where(report: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    return {name: (p["screen"], p["full_screen"]) for name, p in report["placed"].items()}


def test_the_three_windows_open_each_on_its_screen_and_are_painted(
    office: OfficeContext, tmp_path: Path
) -> None:
    three = screens(tmp_path, (1920, 1080), (1280, 1024), (1920, 1080))
    report = run_smoke(office, three, "--desk", "--kiosk", "--display")

    assert set(report) == {"startup_ms", "rss_mb", "windows", "placed", "stderr"}
    assert report["windows"] == ["desk", "kiosk", "display"]
    assert where(report) == {
        "desk": ("screen0", False),
        "kiosk": ("screen1", True),
        "display": ("screen2", True),
    }
    assert report["placed"]["kiosk"]["geometry"] == [1920, 0, 1280, 1024]
    assert 0 < report["startup_ms"] < 20_000
    assert 20 < report["rss_mb"] < 1000
    assert "Traceback" not in report["stderr"]


def test_with_one_screen_the_desk_is_refused_beside_the_full_screen_kiosk(
    office: OfficeContext,
) -> None:
    result = baom(office, "offscreen", "run", "--desk", "--kiosk", "--display", "--smoke")

    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("baom: this PC has one screen: the kiosk takes it alone")
    assert "the desk and the display cannot open with it" in result.stderr
    assert "--side-by-side" in result.stderr and "Traceback" not in result.stderr


def test_screens_given_are_saved_for_the_next_start(office: OfficeContext, tmp_path: Path) -> None:
    two = screens(tmp_path, (1920, 1080), (1280, 1024))
    first = run_smoke(office, two, "--desk", "--kiosk", "--kiosk-screen", "0", "--desk-screen", "1")
    assert where(first) == {"desk": ("screen1", False), "kiosk": ("screen0", True)}

    again = run_smoke(office, two, "--desk", "--kiosk")
    assert where(again) == where(first)
    settings = json.loads(baom(office, "offscreen", "config", "show", "--json").stdout)
    assert (settings["screen.kiosk"], settings["screen.desk"], settings["screen.display"]) == (
        0,
        1,
        -1,
    )
    refused = baom(office, two, "run", "--desk", "--kiosk", "--desk-screen", "0", "--smoke")
    assert refused.returncode == 1
    assert "the kiosk takes screen 0 alone, full screen: the desk cannot be there" in (
        refused.stderr
    )


def test_side_by_side_lays_the_windows_out_on_one_screen_none_full_screen(
    office: OfficeContext,
) -> None:
    report = run_smoke(office, "offscreen", "--desk", "--kiosk", "--display", "--side-by-side")

    assert {full for _, full in where(report).values()} == {False}
    lefts = [report["placed"][name]["geometry"][0] for name in ("desk", "kiosk", "display")]
    assert lefts == sorted(lefts) and len(set(lefts)) == 3


@pytest.mark.parametrize("option", ["--screen", "--display-screen"])
def test_a_missing_screen_is_reported_and_another_one_used(
    office: OfficeContext, option: str
) -> None:
    report = run_smoke(office, "offscreen", "--display", option, "7")

    assert where(report) == {"display": ("", True)}  # the one screen, which has no name
    assert "there is no screen 7 for the display (screens 0 to 0)" in report["stderr"]
