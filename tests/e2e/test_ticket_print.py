"""``baom ticket take --print``: the ticket goes through the spool to a network printer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kiosk.office import OfficeContext
from tests.helpers.escpos import decode
from tests.helpers.printers import free_port, loopback_printer

ROOT = Path(__file__).resolve().parents[2]


def baom(office: OfficeContext, *args: str) -> subprocess.CompletedProcess[str]:
    """One ``baom`` command on the test office, in its own process."""
    return subprocess.run(
        [sys.executable, "-m", "ui.main", "--data-dir", str(office.paths.data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_a_ticket_is_taken_and_printed_and_a_dead_printer_leaves_it_taken(
    office: OfficeContext,
) -> None:
    with loopback_printer() as printer:
        result = baom(
            office, "ticket", "take", "--reason", "health", "--lang", "zgh",
            "--print", "--printer", printer.uri, "--json",
        )  # fmt: skip
        (received,) = printer.wait_for_jobs(1)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["number"] == "D001"
    assert answer["print"]["printed"] is True and answer["print"]["state"] == "printed"
    decoded = decode(received)
    assert decoded.image.width == 576 and decoded.cut

    down = f"tcp://127.0.0.1:{free_port()}"
    result = baom(office, "ticket", "take", "--reason", "health", "--printer", down, "--json")
    assert result.returncode == 1
    answer = json.loads(result.stdout)
    assert answer["number"] == "D002" and answer["print"]["printed"] is False
    assert "D002 was taken but not printed" in result.stderr and "Traceback" not in result.stderr
    status = json.loads(baom(office, "queue", "status", "--json").stdout)
    assert [ticket["number"] for ticket in status["waiting"]] == ["D001", "D002"]

    wrong = baom(office, "ticket", "take", "--reason", "other", "--printer", "lpt1")
    assert wrong.returncode == 1 and "'lpt1'" in wrong.stderr
