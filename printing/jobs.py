"""What the windows and the commands print: content from the office, layout, bytes, spool.

Each function takes plain values and returns plain values, so it runs on any thread:
render a document at the printer's width, make its ESC/POS bytes, queue it in the spool.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db.base import utcnow
from kiosk.office import OfficeContext, local_office
from kiosk.queue.config import QueueConfig, ReasonsError, load_config
from kiosk.queue.estimate import people_before
from kiosk.queue.service import QueueService
from printing.demo import demo_data, demo_slip
from printing.documents import TicketContent, printer_test_page
from printing.escpos_out import escpos_chunks
from printing.labels import Localized
from printing.layout import Document
from printing.printer import PrinterConfig
from printing.raster import Raster, rasterize
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


def _desk_labels(config: QueueConfig, counter: int | None) -> Localized:
    if not config.counters:
        return {}
    if counter is None or counter == 0:
        return config.counters[0].labels
    return config.counter(counter).labels


def _need_labels(config: QueueConfig, key: str) -> Localized:
    try:
        return config.reason(key).labels
    except ReasonsError:
        return {"fr": key.replace("_", " ")}


def office_commune(context: OfficeContext) -> str:
    """The commune of the opened office."""
    office = local_office(context.store)
    return office.commune if office is not None else ""


def demo_slip_for(
    context: OfficeContext, counter: int | None = None, at: datetime | None = None
) -> SlipContent:
    """The demo slip of the opened office, at its desk ``counter`` (the machine's by default)."""
    config = load_config(context.paths.config_dir)
    desk = counter if counter is not None else int(context.settings.get("desk.counter"))
    return demo_slip(
        context.office_name,
        office_commune(context),
        at or utcnow(),
        _desk_labels(config, desk),
        _need_labels(config, demo_data().need),
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
        reason=_need_labels(queue.config, ticket.reason),
        language=ticket.language,
        issued_at=ticket.arrived_at,
        people_before=before,
    )


def printer_test_page_for(printer: PrinterConfig, at: datetime | None = None) -> Document:
    """The test page of ``printer``."""
    return printer_test_page(printer.uri, printer.width, printer.profile, at or utcnow())


def submit(
    context: OfficeContext, document: Document, kind: str, printer: PrinterConfig
) -> JobView:
    """Render ``document`` for ``printer`` and queue it; the spool's worker sends it."""
    rendered = render(document, printer)
    return spool_for(context).submit(context.system, kind, document.name, printer, rendered.chunks)
