"""What ``--smoke`` measures and how it knows a window was painted."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.office import OfficeContext
from ui.smoke import PaintProbe, process_age_seconds, resident_mb


def test_the_probe_waits_for_every_window_to_be_painted(qtbot: QtBot) -> None:
    first, second = QLabel("one"), QLabel("two")
    for window in (first, second):
        qtbot.addWidget(window)
    probe = PaintProbe({"first": first, "second": second})
    first.show()
    qtbot.waitUntil(lambda: probe.unpainted == ["second"])

    with qtbot.waitSignal(probe.all_painted):
        second.show()
    assert probe.unpainted == []


def test_the_figures_are_plausible() -> None:
    assert 0 < process_age_seconds() < 24 * 3600
    rss = resident_mb()
    assert rss is not None and 10 < rss < 4000


def test_the_floor_paints_three_empty_windows_and_reports_like_the_smoke_check() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ui.startup_floor"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["windows"] == ["desk", "kiosk", "display"]
    assert 0 < figures["startup_ms"] < 60_000
    assert figures["rss_mb"] > 10


NOT_FOR_THE_FIRST_PAINT = (
    "alembic",  # no migration is due
    "kiosk.cases_cli",  # the command groups: only when one of their commands runs
    "kiosk.directory_cli",
    "kiosk.kiosk_cli",
    "kiosk.queue_cli",
    "kiosk.sync_cli",
    "printing.cli",
    "kiosk.demo",
    "ui.desk_pages",  # the desk's pages: at the first login
    "db.cases",  # what the desk's pages and the kiosk's "where can I…?" need
    "db.directory",
    "kiosk.forms",
    "db.sync",  # the sync's tables: at the first round, on the sync's worker
    "yaml",  # the data inventory and sealing: at the first write
    "cryptography",
    "argon2",  # at the first login
    "tomlkit",  # writes the settings file only
    "escpos",  # printing: in the spool worker, after the windows are up
    "qrcode",
    "PIL",
    "PySide6.QtCharts",  # the Reports page's charts: when it is first shown
    "PySide6.QtMultimedia",  # the display's chime and voice: at the first call
    "PySide6.QtTextToSpeech",
)


def test_the_start_imports_only_what_the_first_paint_needs(office: OfficeContext) -> None:
    program = (
        "import sys\n"
        "from ui.main import main\n"
        f"code = main(['--data-dir', {str(office.paths.data_dir)!r}, 'run', '--desk', "
        "'--kiosk', '--display', '--side-by-side', '--smoke'])\n"
        "print('modules:', *sorted(sys.modules))\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    modules = result.stdout.splitlines()[-1].split()[1:]
    assert "ui.desk" in modules and "sqlalchemy.orm" in modules  # the list is the real one
    imported = {
        name
        for name in NOT_FOR_THE_FIRST_PAINT
        for module in modules
        if module == name or module.startswith(f"{name}.")
    }
    assert imported == set()


def test_the_collector_does_not_scan_the_start_s_imports(office: OfficeContext) -> None:
    """The start imports some 500 modules: with the collector on, it scanned them some 150
    times (50 to 60 ms of the windows' start). It is off while they are imported, then
    they are frozen out of it; a command then runs with it on."""
    program = (
        "import gc, json\n"
        "starts = []\n"
        "gc.callbacks.append(lambda phase, _: phase == 'start' and starts.append(1))\n"
        "from ui.main import main\n"
        "importing = len(starts)\n"
        f"code = main(['--data-dir', {str(office.paths.data_dir)!r}, 'logout'])\n"
        "print(json.dumps({'importing': importing, 'enabled': gc.isenabled(),"
        " 'frozen': gc.get_freeze_count()}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["importing"] < 10  # those of the import machinery, before ui.main runs
    assert figures["enabled"] and figures["frozen"] > 50_000
