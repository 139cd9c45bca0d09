"""``baom backup restore`` against real processes: refused while ``baom run`` has windows
open on the office, done once they are closed."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from db.uow import Actor
from kiosk import backups
from kiosk.office import OfficeContext


def _baom(office: OfficeContext, *args: str) -> list[str]:
    return [sys.executable, "-m", "ui.main", "--data-dir", str(office.paths.data_dir), *args]


def test_a_restore_waits_for_the_windows_of_another_process_to_close(
    office: OfficeContext,
) -> None:
    copy = backups.take_backup(office, Actor.system).path
    office.close()
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    windows = subprocess.Popen(
        _baom(office, "run", "--display"), env=environment, stderr=subprocess.PIPE, text=True
    )
    try:
        running = office.paths.data_dir / backups.RUNNING_DIR
        deadline = time.monotonic() + 60
        while not list(running.glob("windows-*.lock")) and time.monotonic() < deadline:
            time.sleep(0.1)
        refused = subprocess.run(
            _baom(office, "backup", "restore", str(copy)),
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
        _baom(office, "backup", "restore", str(copy), "--json"),
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert restored.returncode == 0, restored.stderr
    assert "safety_copy" in restored.stdout
