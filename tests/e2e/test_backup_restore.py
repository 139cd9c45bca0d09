"""``baom backup restore`` against real processes: refused while ``baom run`` has windows
open on the office, or ``baom sync`` runs its rounds, done once they have stopped."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from db.uow import Actor
from kiosk import backups
from kiosk.office import OfficeContext
from tests.helpers import regional
from tests.helpers.sync_office import baom, baom_json, command, enrolled_office


def test_a_restore_waits_for_the_windows_of_another_process_to_close(
    office: OfficeContext,
) -> None:
    copy = backups.take_backup(office, Actor.system).path
    office.close()
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    windows = subprocess.Popen(
        command(office.paths.data_dir, "run", "--display"),
        env=environment,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        running = office.paths.data_dir / backups.RUNNING_DIR
        deadline = time.monotonic() + 60
        while not list(running.glob("windows-*.lock")) and time.monotonic() < deadline:
            time.sleep(0.1)
        refused = subprocess.run(
            command(office.paths.data_dir, "backup", "restore", str(copy)),
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert refused.returncode == 1
        assert "the office is in use on this PC (windows)" in refused.stderr
    finally:
        windows.terminate()
        windows.communicate(timeout=30)
    assert not list(running.glob("*.lock")), "closing the windows removes their mark"

    restored = subprocess.run(
        command(office.paths.data_dir, "backup", "restore", str(copy), "--json"),
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert restored.returncode == 0, restored.stderr
    assert "safety_copy" in restored.stdout


def test_a_restore_waits_for_a_running_baom_sync(tmp_path: Path) -> None:
    data_dir = tmp_path / "office"
    with regional.running_server(tmp_path / "regional") as server:
        enrolled_office(data_dir, server)
        copy = Path(baom_json(data_dir, "backup", "now")["file"])
        syncing = subprocess.Popen(
            command(data_dir, "sync"),
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            running = data_dir / backups.RUNNING_DIR
            deadline = time.monotonic() + 60
            while not list(running.glob("sync-*.lock")) and time.monotonic() < deadline:
                time.sleep(0.1)
            refused = baom(data_dir, "backup", "restore", str(copy), check=False)
            assert refused.returncode == 1
            assert "the office is in use on this PC (sync)" in refused.stderr
        finally:
            syncing.terminate()
            syncing.wait(timeout=30)
    assert baom(data_dir, "backup", "restore", str(copy)).returncode == 0
