"""The A4 version of a slip: its exact raster at its real size, one or two per page.

The page shows what the thermal printer would print, dot for dot, at the printer's
resolution (72 mm wide for 576 dots at 203 dpi), so an office without a thermal printer can
print slips on an ordinary printer: as a PDF (QPdfWriter), or straight to a system printer
(QPrinter, from QtPrintSupport, imported only then). Two slips side by side make a
visitor's copy and a file copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF
from PySide6.QtGui import QPagedPaintDevice, QPageLayout, QPageSize, QPainter, QPdfWriter

from printing.errors import NoSystemPrinter, PrinterError
from printing.qtenv import ensure_qt
from printing.raster import Raster

MARGIN_MM = 10.0
GAP_MM = 8.0


def _check(rasters: Sequence[Raster], per_page: int) -> None:
    if per_page not in (1, 2):
        raise ValueError("an A4 page holds one or two slips")
    if not rasters:
        raise ValueError("there is nothing to print")


def _paint_pages(device: QPagedPaintDevice, rasters: Sequence[Raster], per_page: int) -> int:
    dpi = rasters[0].dpi
    device.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    device.setPageMargins(
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter
    )
    area = device.pageLayout().paintRectPixels(device.logicalDpiX())
    scale_to_device = device.logicalDpiX() / dpi
    gap = GAP_MM / 25.4 * device.logicalDpiX()
    painter = QPainter(device)
    pages = 0
    try:
        for start in range(0, len(rasters), per_page):
            if start:
                device.newPage()
            pages += 1
            left = 0.0
            for raster in rasters[start : start + per_page]:
                width, height = raster.width * scale_to_device, raster.height * scale_to_device
                fit = min(1.0, area.height() / height, (area.width() / per_page) / width)
                painter.drawImage(QRectF(left, 0, width * fit, height * fit), raster.to_qimage())
                left += width * fit + gap
    finally:
        painter.end()
    return pages


def write_pdf(rasters: Sequence[Raster], path: Path, per_page: int = 1) -> int:
    """Write ``rasters`` on A4 pages, ``per_page`` (1 or 2) side by side; returns pages."""
    _check(rasters, per_page)
    ensure_qt()
    writer = QPdfWriter(str(path))
    writer.setResolution(rasters[0].dpi)
    writer.setTitle("BAOM")
    return _paint_pages(writer, rasters, per_page)


def system_printers() -> tuple[list[str], str]:
    """The system printers this computer has, and the default one ("" when none)."""
    ensure_qt()
    from PySide6.QtPrintSupport import QPrinterInfo

    return list(QPrinterInfo.availablePrinterNames()), QPrinterInfo.defaultPrinterName()


def choose_system_printer(name: str = "") -> str:
    """The system printer ``name``, or the default one; :class:`PrinterError` naming what is
    missing: no printer at all, no printer of that name, or no default printer."""
    names, default = system_printers()
    known = f"its printers: {', '.join(names)}" if names else "it has none at all"
    if name:
        if name not in names:
            raise PrinterError(
                f"there is no system printer named {name!r} on this computer ({known})"
            )
        return name
    if not names:
        raise NoSystemPrinter(
            "this computer has no system printer at all to print the A4 slip on: install one, "
            "or write a PDF file with 'baom slip render --out FILE.pdf'"
        )
    if not default:
        raise NoSystemPrinter(
            f"this computer has no default system printer: name one with --system-printer ({known})"
        )
    return default


def print_on_system_printer(
    rasters: Sequence[Raster], name: str = "", per_page: int = 1, title: str = "BAOM"
) -> tuple[str, int]:
    """Print ``rasters`` on A4 through the system printer ``name`` (the default one when
    empty); returns the printer's name and the pages sent to it."""
    _check(rasters, per_page)
    chosen = choose_system_printer(name)
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName(chosen)
    printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
    printer.setDocName(title)
    if not printer.isValid():
        raise PrinterError(f"the system printer {chosen!r} cannot be used (Qt finds it invalid)")
    pages = _paint_pages(printer, rasters, per_page)
    if printer.printerState() is QPrinter.PrinterState.Error:
        raise PrinterError(f"the system printer {chosen!r} refused the A4 slip")
    return chosen, pages
