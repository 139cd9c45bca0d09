"""What the windows and the commands print: content from the office, layout, bytes, spool.

Each function takes plain values and returns plain values, so it runs on any thread:
render a document at the printer's width, make its ESC/POS bytes, queue it in the spool.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from db.base import utcnow
from db.print_spool import PrintJobState
from db.uow import Actor
from kiosk.cases.referrals import find_referral, mark_sent
from kiosk.office import OfficeContext
from kiosk.queue.estimate import people_before
from kiosk.queue.service import QueueService
from printing.demo import demo_data, demo_slip
from printing.documents import TicketContent, printer_test_page
from printing.errors import PrinterConfigError, SlipError
from printing.escpos_out import escpos_chunks
from printing.layout import Document
from printing.office_labels import (
    desk_labels,
    machine_desk,
    need_labels,
    office_commune,
    office_config,
)
from printing.pdf import print_on_system_printer, write_pdf
from printing.preview import raster_of_job
from printing.printer import PrinterConfig
from printing.raster import Raster, rasterize
from printing.referral_slip import ReferralSlip, read_referral_slip
from printing.slip import SlipContent, slip_document
from printing.spool import PrintSpool
from printing.spool_views import JobView, SpoolPolicy


@dataclass(frozen=True)
class Rendered:
    """A document ready for the printer: the exact raster and its ESC/POS bytes."""

    raster: Raster
    chunks: tuple[bytes, ...]

    @property
    def size(self) -> int:
        """Bytes sent to the printer."""
        return sum(len(chunk) for chunk in self.chunks)


def render(document: Document, printer: PrinterConfig, width: int | None = None) -> Rendered:
    """``document`` drawn at the printer's width (or ``width``), thresholded, as ESC/POS."""
    raster = rasterize(document, width or printer.width, printer.dpi)
    return Rendered(raster, escpos_chunks(raster, printer.profile))


def spool_for(context: OfficeContext) -> PrintSpool:
    """The office's print spool, with the printer timeout of the settings."""
    timeout = float(context.settings.get("printer.timeout_seconds"))
    return PrintSpool(context.store, context.office_id, SpoolPolicy(timeout_s=timeout))


def demo_slip_for(
    context: OfficeContext, counter: int | None = None, at: datetime | None = None
) -> SlipContent:
    """The demo slip of the opened office, at its desk ``counter`` (the machine's by default)."""
    config = office_config(context)
    return demo_slip(
        context.office_name,
        office_commune(context),
        at or utcnow(),
        desk_labels(config, machine_desk(context, counter)),
        need_labels(config, demo_data().need),
        str(context.settings.get("sync.server_url")),
        with_first_name=bool(context.settings.get("slip.print_first_name")),
    )


def slip_layout(context: OfficeContext, slip: SlipContent, language: str) -> Document:
    """The slip's layout with the office's choice of one or two languages."""
    return slip_document(slip, language, str(context.settings.get("slip.languages")))


def ticket_for(context: OfficeContext, ref: str) -> TicketContent:
    """What the ticket ``ref`` (a number of today or an id) prints."""
    queue = QueueService.for_office(context)
    ticket = queue.find(ref)
    with context.store.session() as session:
        before = people_before(session, context.office_id, ticket)
    return TicketContent(
        office=context.office_name,
        number=ticket.number,
        reason=need_labels(queue.config, ticket.reason),
        language=ticket.language,
        issued_at=ticket.arrived_at,
        people_before=before,
    )


def printer_test_page_for(printer: PrinterConfig, at: datetime | None = None) -> Document:
    """The test page of ``printer``."""
    return printer_test_page(printer.uri, printer.width, printer.profile, at or utcnow())


NO_PRINTER = "no printer is set up on this computer"


def printer_problem(printer: PrinterConfig) -> str:
    """Why ``printer`` cannot take a job ("" when it can be tried): none is set up, or its
    address is wrong."""
    if not printer.uri.strip():
        return NO_PRINTER
    try:
        printer.target()
    except PrinterConfigError as error:
        return str(error)
    return ""


def submit(
    context: OfficeContext,
    document: Document,
    kind: str,
    printer: PrinterConfig,
    actor: Actor | None = None,
    problem: str = "",
) -> JobView:
    """Render ``document`` for ``printer`` and queue it, audited as printed by ``actor`` (the
    application by default); the spool's worker sends it. With a ``problem`` the job is
    listed as failed instead (:meth:`PrintSpool.submit`)."""
    rendered = render(document, printer)
    author = actor or context.system
    spool = spool_for(context)
    return spool.submit(author, kind, document.name, printer, rendered.chunks, problem)


def print_test_page(context: OfficeContext, actor: Actor, uri: str) -> JobView:
    """Print the test page on the printer ``uri`` (with the machine's profile and width)
    through the spool, once, now: the job as that attempt ended (outside worker)."""
    printer = PrinterConfig.from_settings(context.settings, uri)
    printer.target()  # a wrong address is refused before anything is queued
    job = submit(context, printer_test_page_for(printer), "test", printer, actor)
    spool = spool_for(context)
    return spool.attempt(job.id) or spool.job(job.id)


def choose_printer(context: OfficeContext, actor: Actor, uri: str) -> str:
    """Make ``uri`` this computer's printer (a supervisor's choice, audited); "" for none.
    A wrong address is refused with :class:`PrinterConfigError`."""
    text = uri.strip()
    if text:
        PrinterConfig(text).target()
    return str(context.settings.set(actor, "printer.uri", text))


def referral_slip_document(
    context: OfficeContext, slip: ReferralSlip, language: str | None = None
) -> Document:
    """The layout of a referral's slip in ``language``, else in the person's language."""
    return slip_layout(context, slip.content, language or slip.language)


def _printable_referral_slip(
    context: OfficeContext, code: str, counter: int | None
) -> ReferralSlip:
    slip = read_referral_slip(context, code, counter)
    if not slip.printable:
        raise SlipError(
            f"referral {slip.content.code} is {slip.state.value}: its slip is no longer "
            "handed out (make a new referral if the person still needs the service)"
        )
    return slip


def print_referral_slip(
    context: OfficeContext,
    actor: Actor,
    code: str,
    language: str | None = None,
    printer: PrinterConfig | None = None,
    counter: int | None = None,
    *,
    listed_when_unprintable: bool = False,
) -> JobView:
    """Queue the slip of the referral ``code`` and record the referral as sent (worker thread).

    The slip is in ``language``, else in the person's preferred language; on ``printer``,
    else the machine's. Once the job is queued the referral becomes ``sent`` (the spool
    guarantees the slip prints), once: a second slip or a reprint from the spool changes
    nothing. A referral that is closed (done,
    declined, withdrawn, expired, redirected) has no slip to hand out: :class:`SlipError`.
    The job is queued; the spool's worker (or :meth:`PrintSpool.attempt`) sends it.

    With no printer set up, or a wrong address, :class:`PrinterConfigError` is raised
    before anything is queued; ``listed_when_unprintable`` (the desk) lists the slip as a
    failed job instead, whose picture the officer prints on A4 or saves as a PDF.
    """
    slip = _printable_referral_slip(context, code, counter)
    target = printer or PrinterConfig.from_settings(context.settings)
    problem = printer_problem(target)
    if problem and not listed_when_unprintable:
        target.target()  # a wrong address is refused before anything is queued
    document = referral_slip_document(context, slip, language)
    job = submit(context, document, "slip", target, actor, problem)
    with context.store.unit_of_work(actor) as uow:
        mark_sent(uow, find_referral(uow.session, str(slip.referral_id)))
    return job


@dataclass(frozen=True)
class SlipQueued:
    """What the desk's Print slip did: the job, and the key of the message that says so."""

    message: str
    job: JobView

    @property
    def unprintable(self) -> bool:
        """The slip could go to no printer: it is listed as failed (print it on A4, or save
        it as a PDF)."""
        return self.job.state is PrintJobState.FAILED


def print_slip_message(context: OfficeContext, actor: Actor, code: str) -> SlipQueued:
    """The desk's Print slip: :func:`print_referral_slip`, listed even when no printer can
    take it, and the key of the message that says so (no printer set up; a wrong printer
    address; a slip printed before the office knows its regional server has no QR code)."""
    job = print_referral_slip(context, actor, code, listed_when_unprintable=True)
    if job.state is PrintJobState.FAILED:
        said = "no_printer" if job.error == NO_PRINTER else "printer_unusable"
        return SlipQueued(f"desk.print.{said}", job)
    with_qr = context.knows_regional_server
    return SlipQueued(
        "desk.referral.printed" if with_qr else "desk.referral.printed_without_qr", job
    )


def job_raster(context: OfficeContext, job_id: uuid.UUID) -> Raster:
    """The exact picture a print job prints (read back from its bytes); :class:`SlipError`
    when it holds none."""
    raster = raster_of_job(spool_for(context).job_bytes(job_id))
    if raster is None:
        raise SlipError(f"the print job {job_id} holds no picture to print")
    return raster


def print_job_on_a4(
    context: OfficeContext, actor: Actor, job_id: uuid.UUID, system_printer: str = ""
) -> A4Printed:
    """Print a job's picture on A4 through a system printer (the default one when empty),
    and record the job printed there (it is never sent to its own printer any more)."""
    spool = spool_for(context)
    job = spool.job(job_id)
    name, pages = print_on_system_printer(
        [job_raster(context, job_id)], system_printer, 1, f"BAOM {job.summary}"
    )
    spool.printed_elsewhere(actor, job_id, f"A4 on {name}")
    return A4Printed(name, pages, job.summary)


def save_job_pdf(context: OfficeContext, actor: Actor, job_id: uuid.UUID, path: Path) -> int:
    """Write a job's picture on an A4 PDF at ``path`` (audited); returns its pages."""
    pages = write_pdf([job_raster(context, job_id)], path)
    spool_for(context).saved_as(actor, job_id, str(path))
    return pages


@dataclass(frozen=True)
class A4Printed:
    """A slip printed on A4 through a system printer."""

    printer: str
    pages: int
    document: str
    referral: str | None = None
    sent: bool = False  # the referral became ``sent`` with this print

    def as_json(self) -> dict[str, object]:
        """What ``baom print a4 --json`` answers."""
        return {
            "printer": self.printer,
            "pages": self.pages,
            "document": self.document,
            "referral": self.referral,
            "sent": self.sent,
        }


def print_a4(
    context: OfficeContext,
    actor: Actor,
    code: str | None,
    language: str | None = None,
    system_printer: str = "",
    per_page: int = 1,
    counter: int | None = None,
) -> A4Printed:
    """Print the slip of the referral ``code`` (the demo slip when None) on A4 through the
    system printer ``system_printer`` (the default one when empty), ``per_page`` (1 or 2)
    slips side by side; a referral's slip records the referral as sent, once."""
    printer = PrinterConfig.from_settings(context.settings)
    slip: ReferralSlip | None = None
    if code is None:
        document = slip_layout(context, demo_slip_for(context, counter), language or "fr")
    else:
        slip = _printable_referral_slip(context, code, counter)
        document = referral_slip_document(context, slip, language)
    raster = rasterize(document, printer.width, printer.dpi)
    name, pages = print_on_system_printer(
        [raster] * per_page, system_printer, per_page, f"BAOM {document.name}"
    )
    sent = False
    if slip is not None:
        with context.store.unit_of_work(actor) as uow:
            sent = mark_sent(uow, find_referral(uow.session, str(slip.referral_id)))
    return A4Printed(name, pages, document.name, slip.content.code if slip else None, sent)
