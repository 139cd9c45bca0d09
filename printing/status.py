"""What the printer says about itself (DLE EOT): a hint for the officer, never a verdict.

Many printers do not answer status requests, or answer late; python-escpos 3.1 then reports
"plenty of paper". Here a printer that does not answer within the short timeout is
"unknown", and the spool never waits for this hint before sending a job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from escpos.exceptions import Error as EscposError

from printing.printer import PrinterTarget, open_connection

PRINTER_STATUS = b"\x10\x04\x01"  # DLE EOT 1
PAPER_STATUS = b"\x10\x04\x04"  # DLE EOT 4
OFFLINE = 0x08
PAPER_NEAR_END = 0x0C
PAPER_OUT = 0x60


@dataclass(frozen=True)
class PrinterStatus:
    """The printer's own answer: reachable, online (``None``: it did not say), paper."""

    printer: str
    reachable: bool
    online: bool | None
    paper: str
    detail: str

    def as_json(self) -> dict[str, Any]:
        """The status as ``baom print status --json`` shows it."""
        return {
            "printer": self.printer,
            "reachable": self.reachable,
            "online": self.online,
            "paper": self.paper,
            "detail": self.detail,
        }


def ask(printer: Any, request: bytes) -> int | None:
    """Send a status ``request`` on an open connection; the answer's byte, or ``None`` when
    the printer says nothing within the connection's timeout."""
    printer._raw(request)  # python-escpos has no public call for raw bytes
    try:
        answer = printer._read()
    except (NotImplementedError, TimeoutError, EscposError, OSError):
        return None
    return answer[-1] if answer else None


def is_status_byte(answer: int) -> bool:
    """Whether ``answer`` reads as an ESC/POS status byte (bits 1 and 4 set, 0 and 7 clear)."""
    return answer & 0x93 == 0x12


def printer_status(
    target: PrinterTarget, profile: str, width: int, timeout: float = 1.0
) -> PrinterStatus:
    """Ask the printer for its status, waiting at most about ``timeout`` for each answer."""
    try:
        printer = open_connection(target, profile, width, timeout)
    except (OSError, EscposError, RuntimeError) as error:
        return PrinterStatus(target.uri, False, None, "unknown", f"cannot reach it: {error}")
    try:
        state = ask(printer, PRINTER_STATUS)
        paper_state = ask(printer, PAPER_STATUS) if state is not None else None
    except (OSError, EscposError) as error:
        return PrinterStatus(target.uri, True, None, "unknown", f"it stopped answering: {error}")
    finally:
        try:
            printer.close()
        except (OSError, EscposError):
            pass  # the answer, or its absence, is what was asked for
    if state is None:
        return PrinterStatus(target.uri, True, None, "unknown", "it does not report its status")
    if paper_state is None:
        paper = "unknown"
    elif paper_state & PAPER_OUT:
        paper = "out"
    elif paper_state & PAPER_NEAR_END:
        paper = "near_end"
    else:
        paper = "ok"
    return PrinterStatus(target.uri, True, not state & OFFLINE, paper, "")
