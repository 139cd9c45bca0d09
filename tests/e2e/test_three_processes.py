"""Kiosk, desk and display as three real processes on one data directory.

The kiosk takes a ticket with ``baom ticket take``, the desk calls it with ``baom queue
call-next``, and a display process (the real window, off screen) reports what it shows:
each sees the others' changes within one second of the commit.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk.office import OfficeContext

ROOT = Path(__file__).resolve().parents[2]
WITHIN_S = 1.0


class Probe:
    """The display process, its JSON lines read on a thread into a queue."""

    def __init__(self, data_dir: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.display_probe", str(data_dir), "90"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(json.loads(line))

    def wait_for(self, key: str, timeout: float = 30.0) -> dict[str, Any]:
        """The next line that has ``key``."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"the display process printed no {key!r} line")
            line = self.lines.get(timeout=remaining)
            if key in line:
                return line

    def stop(self) -> str:
        """Close the display (stdin closed) and return what it wrote on stderr."""
        assert self.process.stdin is not None and self.process.stderr is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()
        with self.process.stderr as errors:
            return errors.read()


def baom(office: OfficeContext, *args: str) -> Any:
    """Run one ``baom`` command in its own process and return its JSON answer."""
    result = subprocess.run(
        [sys.executable, "-m", "ui.main", "--data-dir", str(office.paths.data_dir), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def moment(text: str) -> float:
    """Wall-clock seconds of an ISO time written by the queue (naive means UTC)."""
    value = datetime.fromisoformat(text)
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()


@pytest.mark.slow
def test_kiosk_desk_and_display_see_each_other_within_a_second(office: OfficeContext) -> None:
    probe = Probe(office.paths.data_dir)
    try:
        probe.wait_for("ready")

        taken = baom(office, "ticket", "take", "--reason", "health", "--lang", "ar", "--json")
        assert taken["number"] == "D001"
        seen = probe.wait_for("changed", timeout=WITHIN_S + 1)["changed"]
        status = baom(office, "queue", "status", "--json")
        arrived = moment(status["waiting"][0]["arrived_at"])
        assert seen - arrived <= WITHIN_S

        called = baom(office, "queue", "call-next", "--counter", "1", "--json")
        assert called["ticket"]["number"] == "D001"
        shown = probe.wait_for("calls", timeout=WITHIN_S + 1)
        assert shown["calls"] == ["D001 → Guichet 1", "\u200fD001 ← الشباك 1"]
        assert shown["at"] - moment(called["ticket"]["first_called_at"]) <= WITHIN_S

        baom(office, "queue", "recall", "D001", "--json")
        seen_again = probe.wait_for("changed", timeout=WITHIN_S + 1)
        assert seen_again["changed"] > shown["at"]
    finally:
        errors = probe.stop()
    assert "Traceback" not in errors
