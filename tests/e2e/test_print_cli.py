"""The ``baom slip`` and ``baom print`` commands with a network printer on loopback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import zxingcpp
from PIL import Image
from sqlalchemy import select

from db.print_spool import PrintJob, PrintJobState
from kiosk.office import OfficeContext, open_office
from kiosk.paths import Paths
from printing.demo import demo_url
from tests.e2e.test_cli import BAOM, baom
from tests.helpers.escpos import decode
from tests.helpers.printers import free_port, loopback_printer
from tests.helpers.sync_office import ACCOUNT


def _json(data_dir: Path, *args: str, check: bool = True) -> Any:
    return json.loads(baom(data_dir, *args, "--json", check=check).stdout)


def _qr(image: Image.Image) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(image.convert("L"))]


def test_a_test_page_and_a_slip_print_on_a_network_printer_and_read_back(tmp_path: Path) -> None:
    baom(
        tmp_path,
        "office",
        "init",
        "BAOM Taliouine",
        "--admin",
        ACCOUNT[0],
        "--commune",
        "Taliouine",
    )
    with loopback_printer() as printer:
        test = _json(tmp_path, "print", "test", "--printer", printer.uri)
        baom(tmp_path, "config", "set", "printer.uri", printer.uri)
        slip = _json(tmp_path, "print", "slip", "--demo", "--lang", "ar")
        page_bytes, slip_bytes = printer.wait_for_jobs(2)
    assert set(test) == {"job_id", "state"} and test["state"] == "printed"
    assert slip["state"] == "printed"
    page, printed_slip = decode(page_bytes), decode(slip_bytes)
    assert page.cut and printed_slip.cut
    assert page.image.width == printed_slip.image.width == 576
    assert _qr(page.image) == ["BAOM printer test: 576 dots"]
    assert _qr(printed_slip.image) == [demo_url()]
    spool = _json(tmp_path, "print", "spool")
    assert {(job["job_id"], job["state"]) for job in spool} == {
        (test["job_id"], "printed"),
        (slip["job_id"], "printed"),
    }


def test_a_slip_renders_to_png_and_to_a4_pdf(tmp_path: Path) -> None:
    baom(tmp_path, "office", "init", "BAOM Ammeln", "--admin", ACCOUNT[0])
    png, narrow, pdf = tmp_path / "slip.png", tmp_path / "narrow.png", tmp_path / "slip.pdf"
    baom(tmp_path, "slip", "render", "--demo", "--lang", "zgh", "--out", str(png))
    baom(tmp_path, "slip", "render", "--demo", "--width", "384", "--out", str(narrow))
    baom(tmp_path, "slip", "render", "--demo", "--copies", "2", "--out", str(pdf))
    with Image.open(png) as image:
        assert (image.width, image.mode) == (576, "1")
        assert _qr(image) == [demo_url()]
    with Image.open(narrow) as image:
        assert image.width == 384
    assert pdf.read_bytes().startswith(b"%PDF")

    refused = baom(
        tmp_path, "slip", "render", "--referral", "K7QX-M4PR", "--out", str(png), check=False
    )
    assert refused.returncode == 1
    assert "there is no referral K7QX-M4PR" in refused.stderr and "Traceback" not in refused.stderr
    wrong = baom(
        tmp_path, "slip", "render", "--demo", "--out", str(tmp_path / "x.txt"), check=False
    )
    assert wrong.returncode == 1 and ".png" in wrong.stderr


def test_a_ticket_prints_and_a_refusing_printer_keeps_its_job(tmp_path: Path) -> None:
    baom(tmp_path, "office", "init", "BAOM Ouijjane", "--admin", ACCOUNT[0])
    baom(tmp_path, "ticket", "take", "--reason", "health", "--lang", "ar")
    with loopback_printer() as printer:
        ticket = _json(tmp_path, "print", "ticket", "--ticket", "D001", "--printer", printer.uri)
        (received,) = printer.wait_for_jobs(1)
    assert ticket["state"] == "printed"
    assert decode(received).image.width == 576

    down = f"tcp://127.0.0.1:{free_port()}"
    result = baom(tmp_path, "print", "test", "--printer", down, "--json", check=False)
    assert result.returncode == 1
    job = json.loads(result.stdout)
    assert job["state"] == "queued" and down in job["error"]
    assert down in result.stderr and "refused the connection" in result.stderr
    assert _json(tmp_path, "print", "cancel", job["job_id"])["state"] == "cancelled"
    status = baom(tmp_path, "print", "status", "--printer", down, "--json", check=False)
    assert status.returncode == 1 and json.loads(status.stdout)["reachable"] is False
    bad = baom(tmp_path, "print", "test", "--printer", "lpt1", check=False)
    assert bad.returncode == 1 and "'lpt1'" in bad.stderr and "Traceback" not in bad.stderr


def _bytes_left(context: OfficeContext) -> bool:
    """Whether a job is being sent and its bytes have started to leave."""
    with context.store.session() as session:
        return bool(
            session.scalar(
                select(PrintJob.id).where(
                    PrintJob.state == PrintJobState.SENDING, PrintJob.started.is_(True)
                )
            )
        )


def test_the_spool_survives_a_process_killed_while_sending(tmp_path: Path) -> None:
    baom(tmp_path, "office", "init", "BAOM Taliouine", "--admin", ACCOUNT[0])
    baom(tmp_path, "config", "set", "printer.timeout_seconds", "60")
    with loopback_printer("hang") as stuck:
        sending = subprocess.Popen(
            [*BAOM, "--data-dir", str(tmp_path), "print", "test", "--printer", stuck.uri, "--json"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        context = open_office(Paths.resolve(tmp_path))
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not _bytes_left(context):
                time.sleep(0.05)
            time.sleep(0.2)  # bytes are on their way to the printer that does not read
            os.kill(sending.pid, signal.SIGKILL)
            sending.wait(10)
        finally:
            context.close()
    (job,) = _json(tmp_path, "print", "spool")
    assert job["state"] == "may_have_printed"
    assert "stopped while sending" in job["error"]
    with loopback_printer() as printer:
        again = _json(tmp_path, "print", "retry", job["job_id"], "--printer", printer.uri)
        received = printer.wait_for_jobs(1)
    assert again == {"job_id": job["job_id"], "state": "printed"}
    assert len(received) == 1 and decode(received[0]).cut
