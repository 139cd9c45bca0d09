"""The printer's status is a hint: what it answers, or "unknown" when it keeps silent."""

from __future__ import annotations

from printing.printer import parse_uri
from printing.status import PAPER_STATUS, PRINTER_STATUS, printer_status
from tests.helpers.printers import free_port, loopback_printer


def test_a_printer_that_answers_tells_its_state_and_paper() -> None:
    answers = {PRINTER_STATUS: b"\x12", PAPER_STATUS: b"\x72"}  # online, paper out
    with loopback_printer(answers=answers) as printer:
        status = printer_status(parse_uri(printer.uri), "", 576, timeout=0.5)
    assert (status.reachable, status.online, status.paper) == (True, True, "out")


def test_a_silent_printer_is_unknown_not_full_of_paper() -> None:
    with loopback_printer(answers={}) as printer:
        status = printer_status(parse_uri(printer.uri), "", 576, timeout=0.2)
    assert (status.reachable, status.online, status.paper) == (True, None, "unknown")


def test_an_unreachable_printer_says_so() -> None:
    uri = f"tcp://127.0.0.1:{free_port()}"
    status = printer_status(parse_uri(uri), "", 576, timeout=0.2)
    assert not status.reachable and "cannot reach it" in status.detail
    assert status.as_json()["printer"] == uri
