"""The ``baom slip`` and ``baom print`` commands: rendering, printing and the spool.

``baom slip render`` writes a slip as the exact raster (``.png``) or on A4 (``.pdf``).
``baom print slip|ticket|test`` queues a job and tries it once at once; a job that could
not print stays in the spool (``baom print spool``), to be retried or cancelled.
``baom print a4`` prints a slip on A4 through a system printer (no spool: the system's
own queue keeps it). Printing a referral's slip records the referral as sent. Errors
name the printer and what failed, in plain words, with a non-zero exit.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.cli_output import show
from kiosk.office import OfficeContext
from kiosk.settings import LANGUAGE_CODES
from printing.errors import FontsMissing, PrinterError, SlipError, SpoolError

if TYPE_CHECKING:
    from printing.layout import Document
    from printing.printer import PrinterConfig
    from printing.spool_views import JobView

ERRORS: tuple[type[Exception], ...] = (PrinterError, SpoolError, SlipError, FontsMissing)


def add_commands(commands: Any) -> None:
    """Register ``baom slip …`` and ``baom print …`` on the top-level subparsers."""
    slip = commands.add_parser("slip", help="orientation slips")
    slip_commands = slip.add_subparsers(dest="action", required=True)
    render = slip_commands.add_parser("render", help="write a slip as PNG (exact raster) or PDF")
    _slip_source(render)
    render.add_argument("--width", type=int, help="width in dots (default: the printer's)")
    render.add_argument("--out", type=Path, required=True, help="FILE.png or FILE.pdf")
    render.add_argument("--copies", type=int, choices=(1, 2), default=1, help="slips per A4 page")

    printing = commands.add_parser("print", help="print slips, tickets, a test page; the spool")
    print_commands = printing.add_subparsers(dest="action", required=True)
    slip_job = _job_command(print_commands, "slip", "print an orientation slip")
    _slip_source(slip_job)
    a4 = print_commands.add_parser("a4", help="print a slip on A4 through a system printer")
    _slip_source(a4)
    a4.add_argument("--system-printer", metavar="NAME", default="", help="default: the default one")
    a4.add_argument("--copies", type=int, choices=(1, 2), default=1, help="slips per A4 page")
    a4.add_argument("--json", action="store_true", help="print JSON")
    ticket = _job_command(print_commands, "ticket", "print (again) a queue ticket")
    ticket.add_argument("--ticket", required=True, help="a number of today (A014) or a ticket id")
    _job_command(print_commands, "test", "print a test page (scripts, QR code, width ruler)")
    _job_command(print_commands, "status", "ask the printer for its status (a hint)")
    spool = print_commands.add_parser("spool", help="the print jobs and their states")
    spool.add_argument("--json", action="store_true", help="print JSON")
    retry = _job_command(print_commands, "retry", "print a job again (a reprint)")
    retry.add_argument("job", help="the job id (see 'baom print spool')")
    for name, what in (("cancel", "give up a job"), ("mark-printed", "record that a job printed")):
        command = print_commands.add_parser(name, help=what)
        command.add_argument("job", help="the job id (see 'baom print spool')")
        command.add_argument("--json", action="store_true", help="print JSON")


def _slip_source(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--referral", metavar="CODE", help="the referral's code")
    source.add_argument("--demo", action="store_true", help="a demo slip (invented referral)")
    parser.add_argument(
        "--lang",
        choices=LANGUAGE_CODES,
        help="visitor's language (default: the person's preferred language; French for --demo)",
    )
    parser.add_argument("--counter", type=int, help="the desk (counter) that gives the slip")


def _job_command(commands: Any, name: str, what: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(name, help=what)
    parser.add_argument("--printer", metavar="URI", help="this printer instead of printer.uri")
    parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


def run(args: argparse.Namespace, context: OfficeContext) -> int:
    """Run one ``baom slip``/``baom print`` command for the opened office.

    Qt and python-escpos are imported only now: other commands start without them.
    """
    from printing.jobs import spool_for, submit
    from printing.printer import PrinterConfig

    if args.command == "slip":
        return _render_slip(args, context)
    if args.action == "a4":
        return _print_a4(args, context)
    if args.action == "status":
        return _status(args, PrinterConfig.from_settings(context.settings, args.printer))
    spool = spool_for(context)
    if args.action == "spool":
        jobs = spool.jobs()
        text = "\n".join(_line(job) for job in jobs) or "the spool is empty"
        show(args, [job.as_json() for job in jobs], text)
        return 0
    if args.action in ("cancel", "mark-printed"):
        change = spool.cancel if args.action == "cancel" else spool.mark_printed
        job = change(args.actor, args.job)
        show(args, job.as_json(), _line(job))
        return 0
    if args.action == "retry":
        job = spool.retry(args.actor, args.job, args.printer)
    elif args.action == "slip" and args.referral is not None:
        job = _print_referral_slip(args, context)
    else:
        printer = PrinterConfig.from_settings(context.settings, args.printer)
        printer.target()  # a wrong address is refused before anything is queued
        job = submit(context, _document(args, context, printer), args.action, printer)
    return _report(args, spool.attempt(job.id) or spool.job(job.id))


def _document(args: argparse.Namespace, context: OfficeContext, printer: PrinterConfig) -> Document:
    from printing.documents import ticket_document
    from printing.jobs import printer_test_page_for, ticket_for

    if args.action == "slip":
        return _slip(args, context)
    if args.action == "ticket":
        return ticket_document(ticket_for(context, args.ticket))
    return printer_test_page_for(printer)


def _slip(args: argparse.Namespace, context: OfficeContext) -> Document:
    from printing.jobs import demo_slip_for, referral_slip_document, slip_layout

    if args.referral is not None:
        from printing.referral_slip import read_referral_slip

        slip = read_referral_slip(context, args.referral, args.counter)
        return referral_slip_document(context, slip, args.lang)
    return slip_layout(context, demo_slip_for(context, args.counter), args.lang or "fr")


def _print_referral_slip(args: argparse.Namespace, context: OfficeContext) -> JobView:
    """Queue the referral's slip and record the referral as sent (once)."""
    from printing.jobs import print_referral_slip
    from printing.printer import PrinterConfig

    printer = PrinterConfig.from_settings(context.settings, args.printer)
    return print_referral_slip(context, args.actor, args.referral, args.lang, printer, args.counter)


def _print_a4(args: argparse.Namespace, context: OfficeContext) -> int:
    from printing.jobs import print_a4

    done = print_a4(
        context,
        args.actor,
        args.referral,
        args.lang,
        args.system_printer,
        args.copies,
        args.counter,
    )
    sent = f"; referral {done.referral} recorded as sent" if done.sent else ""
    text = f"{done.document}: {done.pages} A4 page(s) sent to the printer {done.printer}{sent}"
    show(args, done.as_json(), text)
    return 0


def _render_slip(args: argparse.Namespace, context: OfficeContext) -> int:
    out: Path = args.out
    if out.suffix.lower() not in (".png", ".pdf"):
        raise SlipError(f"{out}: the file name must end in .png (the raster) or .pdf (A4)")
    from printing.pdf import write_pdf
    from printing.printer import PrinterConfig
    from printing.raster import rasterize

    document = _slip(args, context)
    printer = PrinterConfig.from_settings(context.settings)
    width = args.width or printer.width
    if not 128 <= width <= 2048:
        raise SlipError(f"a slip {width} dots wide cannot be printed: give 384, 512 or 576")
    raster = rasterize(document, width, printer.dpi)
    if out.suffix.lower() == ".png":
        raster.save_png(out)
    else:
        write_pdf([raster] * args.copies, out, per_page=args.copies)
    print(f"{document.name} written to {out} ({raster.width} by {raster.height} dots)")
    return 0


def _status(args: argparse.Namespace, printer: PrinterConfig) -> int:
    from printing.status import printer_status

    status = printer_status(printer.target(), printer.profile, printer.width)
    online = {True: "online", False: "offline", None: "status unknown"}[status.online]
    show(args, status.as_json(), f"{status.printer}: {online}, paper {status.paper}")
    if not status.reachable:
        print(f"baom: the printer {status.printer}: {status.detail}", file=sys.stderr)
        return 1
    return 0


def _report(args: argparse.Namespace, job: JobView) -> int:
    from db.print_spool import PrintJobState

    answer: dict[str, Any] = {"job_id": str(job.id), "state": job.state.value}
    if job.state is PrintJobState.PRINTED:
        show(args, answer, f"{job.summary}: printed on {job.printer} (job {job.id})")
        return 0
    answer["error"] = job.error
    show(args, answer, f"{job.summary}: {job.state.value.replace('_', ' ')} (job {job.id})")
    if job.state is PrintJobState.QUEUED:
        advice = "the job stays in the spool and is retried ('baom print retry JOB' now)"
    elif job.state in (PrintJobState.MAY_HAVE_PRINTED, PrintJobState.SENT_UNCONFIRMED):
        advice = "look at the printer, then 'baom print retry JOB' or 'baom print mark-printed JOB'"
    else:
        advice = "correct the printer settings, then 'baom print retry JOB'"
    print(f"baom: {job.error}; {advice} (job {job.id})", file=sys.stderr)
    return 1


def _line(job: JobView) -> str:
    error = f"  ({job.error})" if job.error else ""
    return f"{job.id}  {job.state.value:<16} {job.summary} → {job.printer}{error}"
