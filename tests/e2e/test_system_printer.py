"""A slip on A4 through an ordinary system printer: a real CUPS queue that writes PDF files.

``baom print a4`` runs as a subprocess whose ``CUPS_SERVER`` names a private CUPS server
(``tests/helpers/cups.py``): Qt's print support sees its cups-pdf queue, prints the A4 page,
and cups-pdf writes it as a PDF, which is read back: one A4 page whose QR codes are the
slip's link. Errors name the printer: no such printer, no printer at all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from printing.demo import demo_url
from tests.e2e.test_cli import baom
from tests.e2e.test_referral_slip import REGIONAL_URL, answer, demo_referral, qr_codes
from tests.helpers import cups
from tests.helpers.cups import CupsServer
from tests.helpers.sync_office import ACCOUNT

cups_server = cups.cups_server  # the session fixture
A4_POINTS = "595.276 x 841.89 pts (A4)"


def _pdf_pages(pdf: Path, tmp_path: Path) -> list[Image.Image]:
    """The pages of ``pdf`` as pictures (poppler's pdftoppm), after checking it is A4."""
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 2_000
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "Page size:" in info.stdout and "(A4)" in info.stdout, info.stdout
    prefix = tmp_path / pdf.stem
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(prefix)], check=True)
    pages = []
    for path in sorted(tmp_path.glob(f"{pdf.stem}*.png")):
        with Image.open(path) as image:
            pages.append(image.copy())
    return pages


@pytest.fixture
def through_cups(cups_server: CupsServer, monkeypatch: pytest.MonkeyPatch) -> CupsServer:
    """Commands run from this test see the private CUPS server."""
    if shutil.which("pdftoppm") is None or shutil.which("pdfinfo") is None:
        cups.missing_package("poppler-utils (pdftoppm, pdfinfo) is not installed")
    monkeypatch.setenv("CUPS_SERVER", str(cups_server.socket))
    return cups_server


def test_a_demo_slip_prints_on_a_named_system_printer(
    through_cups: CupsServer, tmp_path: Path
) -> None:
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
    printed = answer(tmp_path, "print", "a4", "--demo", "--system-printer", through_cups.queue)
    assert printed["printer"] == through_cups.queue and printed["pages"] == 1
    assert printed["referral"] is None and printed["sent"] is False
    (page,) = _pdf_pages(through_cups.wait_for_pdf(), tmp_path)
    assert page.width < page.height  # portrait A4
    assert qr_codes(page) == [demo_url()]


def test_a_referrals_slip_prints_twice_on_a4_on_the_default_printer_and_sends_it(
    through_cups: CupsServer, tmp_path: Path
) -> None:
    referral = demo_referral(tmp_path / "office")
    code = referral["code"]
    printed = answer(tmp_path / "office", "print", "a4", "--referral", code, "--copies", "2")
    assert printed == {
        "printer": through_cups.queue,
        "pages": 1,
        "document": f"slip {code}",
        "referral": code,
        "sent": True,
    }
    (page,) = _pdf_pages(through_cups.wait_for_pdf(), tmp_path)
    assert qr_codes(page) == [f"{REGIONAL_URL}/r/{referral['token']}"] * 2
    assert answer(tmp_path / "office", "referral", "show", code)["state"] == "sent"
    again = answer(tmp_path / "office", "print", "a4", "--referral", code)
    assert again["sent"] is False  # printed again: the referral was sent already
    through_cups.wait_for_pdf()


def test_an_unknown_system_printer_is_named(through_cups: CupsServer, tmp_path: Path) -> None:
    baom(tmp_path, "office", "init", "BAOM Ammeln", "--admin", ACCOUNT[0])
    refused = baom(tmp_path, "print", "a4", "--demo", "--system-printer", "Bureau", check=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "no system printer named 'Bureau'" in refused.stderr
    assert through_cups.queue in refused.stderr  # the printers there are


def test_a_computer_without_printers_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cups-here.sock"))
    baom(tmp_path, "office", "init", "BAOM Ouijjane", "--admin", ACCOUNT[0])
    refused = baom(tmp_path, "print", "a4", "--demo", "--json", check=False)
    assert refused.returncode == 1 and refused.stdout == ""
    assert "no system printer at all" in refused.stderr and "Traceback" not in refused.stderr
    named = baom(tmp_path, "print", "a4", "--demo", "--system-printer", "Bureau", check=False)
    assert "no system printer named 'Bureau'" in named.stderr


DESK_SLIP_ON_A4 = """
import json, sys
from kiosk.office import open_office
from kiosk.paths import Paths
from printing.jobs import print_job_on_a4, print_slip_message, spool_for

context = open_office(Paths.resolve(sys.argv[1]))
queued = print_slip_message(context, context.system, sys.argv[2])
listed = spool_for(context).job(queued.job.id).state.value
done = print_job_on_a4(context, context.system, queued.job.id)
after = spool_for(context).job(queued.job.id).state.value
print(json.dumps({"message": queued.message, "listed": listed, "printer": done.printer,
                  "after": after}))
"""


def test_a_slip_no_printer_could_take_prints_on_a4_from_the_desk(
    through_cups: CupsServer, tmp_path: Path
) -> None:
    """Issue #13, item 3: what the desk's "Print on A4" runs, through a real CUPS queue."""
    data_dir = tmp_path / "office"
    referral = demo_referral(data_dir)
    baom(data_dir, "config", "set", "printer.uri", "")  # no printer on this computer
    desk = subprocess.run(
        [sys.executable, "-c", DESK_SLIP_ON_A4, str(data_dir), referral["code"]],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert json.loads(desk.stdout) == {
        "message": "desk.print.no_printer",
        "listed": "failed",
        "printer": through_cups.queue,
        "after": "printed",
    }
    (page,) = _pdf_pages(through_cups.wait_for_pdf(), tmp_path)
    assert qr_codes(page) == [f"{REGIONAL_URL}/r/{referral['token']}"]
