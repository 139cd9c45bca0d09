"""The ``baom`` command: the core's command line, with the windows plugged in."""

from __future__ import annotations

import gc

# The imports of the start make some 200,000 objects that live as long as the process;
# Python's collector would scan them over and over while they are made (some 150 times,
# 50 to 60 ms of the windows' start on the office PC). It is off until they are made,
# then they are frozen out of it (below the imports).
_COLLECTING = gc.isenabled()
gc.disable()

from collections.abc import Sequence  # noqa: E402  (after the collector is off)
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

from kiosk.cli import CommandGroup  # noqa: E402
from kiosk.cli import main as cli_main  # noqa: E402

if TYPE_CHECKING:
    from kiosk.declaration import Declaration
    from kiosk.office import OfficeContext
    from kiosk.queue.config import QueueConfig
    from kiosk.queue.views import TakenTicket
    from kiosk.recovery import RecoverySheet
    from kiosk.reports.document import Document as ReportDocument
    from kiosk.windows import WindowRequest

gc.freeze()
if _COLLECTING:
    gc.enable()

GROUPS = (CommandGroup(("slip", "print"), "printing.cli"),)
"""The command groups of the layers above the core (imported when one of their commands runs)."""


def open_windows(request: WindowRequest) -> int:
    """Open the requested windows (imports Qt only now, so headless commands stay light).

    The windows collect garbage on the GUI thread only (``ui.tasks``): the collector stays
    off while Qt and the windows are imported and built."""
    gc.disable()
    from ui.pyside_imports import skip_feature_scan

    skip_feature_scan()
    from ui.app import run_windows

    return run_windows(request)


def print_ticket(
    context: OfficeContext, config: QueueConfig, taken: TakenTicket, printer_uri: str | None
) -> dict[str, Any]:
    """Print a ticket for ``baom ticket take --print`` (imports printing only now)."""
    from ui.ticket_print import print_for_command

    return print_for_command(context, config, taken, printer_uri)


def write_recovery_sheet(sheet: RecoverySheet, path: Path) -> None:
    """Write the recovery sheet's PDF for ``baom office init`` (imports printing only now)."""
    from printing.recovery_sheet import write_recovery_sheet as write

    write(sheet, path)


def write_person_pdf(record: dict[str, Any], path: Path) -> None:
    """Draw a person's export as a PDF for ``baom person export`` (imports printing now)."""
    from printing.person_export import write_person_pdf as write

    write(record, path)


def draw_declaration(declaration: Declaration) -> bytes:
    """Draw the office's declaration for ``baom privacy declaration`` (imports printing now)."""
    from printing.declaration import declaration_pdf

    return declaration_pdf(declaration)


def write_report_pdf(document: ReportDocument, path: Path) -> None:
    """Draw the monthly report as a PDF for ``baom report monthly`` (imports printing now)."""
    from printing.report import write_report_pdf as write

    write(document, path)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``baom`` console script."""
    return cli_main(
        argv,
        open_windows=open_windows,
        groups=GROUPS,
        ticket_printer=print_ticket,
        sheet_writer=write_recovery_sheet,
        person_pdf_writer=write_person_pdf,
        declaration_writer=draw_declaration,
        report_pdf_writer=write_report_pdf,
    )


if __name__ == "__main__":
    raise SystemExit(main())
