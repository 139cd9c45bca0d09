"""Queue tickets on paper, for the kiosk and for ``baom ticket take --print``.

The core (``kiosk/``) never imports ``printing/``: the layer above hands these functions in
(``ui.main`` to the command line, ``ui.app`` to the kiosk window). A ticket is rendered at
the printer's width, queued in the print spool and sent once at once. The printing modules
(Qt's painter, python-escpos) are imported at the first ticket, not at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk.office import OfficeContext
from kiosk.queue.config import QueueConfig
from kiosk.queue.views import TakenTicket

if TYPE_CHECKING:
    from printing.documents import TicketContent
    from printing.jobs import Rendered
    from printing.printer import PrinterConfig
    from printing.spool import PrintSpool
    from printing.spool_views import JobView


def ticket_content(office_name: str, config: QueueConfig, taken: TakenTicket) -> TicketContent:
    """What the ticket just taken prints (in its visitor's language and in French)."""
    from printing.documents import TicketContent

    ticket = taken.ticket
    return TicketContent(
        office=office_name,
        number=ticket.number,
        reason=dict(config.reason(ticket.reason).labels),
        language=ticket.language,
        issued_at=ticket.arrived_at,
        people_before=taken.position,
        priority=ticket.priority,
    )


def render_ticket(
    office_name: str, config: QueueConfig, taken: TakenTicket, printer: PrinterConfig
) -> Rendered:
    """The ticket's raster and ESC/POS bytes for ``printer``."""
    from printing.documents import ticket_document
    from printing.jobs import render

    return render(ticket_document(ticket_content(office_name, config, taken)), printer)


def print_ticket(
    context: OfficeContext, config: QueueConfig, taken: TakenTicket, printer_uri: str | None = None
) -> JobView:
    """Queue the ticket in the spool and send it once; the job as it ended that attempt.

    A wrong printer address raises :class:`~printing.errors.PrinterConfigError` before
    anything is queued.
    """
    from printing.jobs import spool_for
    from printing.printer import PrinterConfig

    printer = PrinterConfig.from_settings(context.settings, printer_uri)
    printer.target()
    rendered = render_ticket(context.office_name, config, taken, printer)
    spool = spool_for(context)
    summary = f"ticket {taken.ticket.number}"
    job = spool.submit(context.system, "ticket", summary, printer, rendered.chunks)
    return spool.attempt(job.id) or _after_other_sender(spool, job)


def _after_other_sender(spool: PrintSpool, job: JobView) -> JobView:
    """The job once the spool's worker, which claimed it first, has finished sending it."""
    import time

    from db.print_spool import PrintJobState

    deadline = time.monotonic() + spool.policy.timeout_s * 2 + spool.policy.lease_margin_s
    current = spool.job(job.id)
    while current.state is PrintJobState.SENDING and time.monotonic() < deadline:
        time.sleep(0.05)  # on the worker thread: the kiosk's screen waits for nothing
        current = spool.job(job.id)
    return current


def print_for_command(
    context: OfficeContext, config: QueueConfig, taken: TakenTicket, printer_uri: str | None
) -> dict[str, Any]:
    """``baom ticket take --print``: the job's id, state and error, as plain JSON."""
    from printing.errors import PrinterError

    try:
        job = print_ticket(context, config, taken, printer_uri)
    except PrinterError as error:
        return {"printed": False, "job_id": None, "state": "not_queued", "error": str(error)}
    return {
        "printed": job.state.value == "printed",
        "job_id": str(job.id),
        "state": job.state.value,
        "error": job.error,
    }


class TicketNotPrinted(Exception):
    """The kiosk's ticket did not print; the message names the printer and what failed."""


def kiosk_printer(
    context: OfficeContext, config: QueueConfig
) -> Callable[[TakenTicket, str], None]:
    """The kiosk's printing function.

    It reads the machine's printer at every ticket (on the outside worker), so a printer
    chosen or changed while the kiosk runs, from the desk's Printer page or ``baom config
    set``, in this process or another, is used from the next ticket on. With no printer
    set up the ticket is not printed and nothing is queued: the visitor is told to remember
    the number. A kiosk ticket that did not print is taken out of the spool (cancelled)
    when nothing left for the printer: a ticket coming out of the printer minutes later
    would only confuse the next visitor.
    """

    def print_at_kiosk(taken: TakenTicket, _language: str) -> None:
        from db.print_spool import PrintJobState
        from printing.jobs import spool_for

        if not str(context.settings.get("printer.uri")).strip():
            raise TicketNotPrinted(f"ticket {taken.ticket.number}: no printer is set up")
        job = print_ticket(context, config, taken)
        if job.state is PrintJobState.PRINTED:
            return
        if job.state is PrintJobState.QUEUED:
            spool_for(context).cancel(context.system, job.id)
        raise TicketNotPrinted(f"ticket {taken.ticket.number} on {job.printer}: {job.error}")

    return print_at_kiosk
