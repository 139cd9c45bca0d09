"""A4 pages drawn by Qt: a ``QPdfWriter`` with its margins and a footer band, and a
``QTextDocument`` laid out on it page after page, a footer at the foot of each.

The person's export, the CNDP declaration and the monthly report are drawn this way (the
recovery sheet, a single page, draws its own).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from printing.layout import SCRIPT_FAMILY, paragraph_option
from printing.qtenv import LATIN, font

DPI = 300
FOOTER_MM = 10.0
SMALL_POINTS = 8.0
"""The footer's size, by default."""


def pixels(points: float) -> int:
    """``points`` in the writer's pixels."""
    return round(points * DPI / 72)


@dataclass(frozen=True)
class A4:
    """A PDF writer on A4, the page's printable ``area``, the ``body`` above the footer
    ``band`` (its height)."""

    writer: QPdfWriter
    area: QRectF
    body: QRectF
    band: float


def a4_writer(target: str | QIODevice, title: str, margin_mm: float) -> A4:
    """A PDF writer on ``target`` (a path or an open device), A4 with ``margin_mm`` around."""
    writer = QPdfWriter(target)
    writer.setResolution(DPI)
    writer.setTitle(title)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    margins = QMarginsF(margin_mm, margin_mm, margin_mm, margin_mm)
    writer.setPageMargins(margins, QPageLayout.Unit.Millimeter)
    area = QRectF(writer.pageLayout().paintRectPixels(DPI))
    band = FOOTER_MM / 25.4 * DPI
    return A4(writer, area, QRectF(0, 0, area.width(), area.height() - band), band)


def text_document(page: A4, language: str, body_points: float) -> QTextDocument:
    """An empty text document laid out for ``page``'s body, in ``language``'s script and
    direction."""
    document = QTextDocument()
    document.documentLayout().setPaintDevice(page.writer)
    document.setDocumentMargin(0)
    script = SCRIPT_FAMILY.get(language, LATIN)
    document.setDefaultFont(font(pixels(body_points), script=script))
    document.setDefaultTextOption(paragraph_option(language))
    return document


def paint_pages(
    page: A4,
    document: QTextDocument,
    language: str,
    right_to_left: bool,
    footer: Callable[[int, int], str],
    footer_points: float = SMALL_POINTS,
) -> int:
    """Draw ``document`` (its content set) page after page, each with ``footer(page,
    pages)`` in its band, on the reading side; returns the pages."""
    body = page.body
    document.setTextWidth(body.width())
    document.setPageSize(QSizeF(body.width(), body.height()))
    pages = document.pageCount()
    side = Qt.AlignmentFlag.AlignRight if right_to_left else Qt.AlignmentFlag.AlignLeft
    small = font(pixels(footer_points), script=SCRIPT_FAMILY.get(language, LATIN))
    painter = QPainter(page.writer)
    if right_to_left:
        painter.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    try:
        for number in range(pages):
            if number:
                page.writer.newPage()
            painter.setFont(small)
            painter.drawText(
                QRectF(0, page.area.height() - page.band, page.area.width(), page.band),
                side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignBottom,
                footer(number + 1, pages),
            )
            painter.save()
            painter.translate(0, -number * body.height())
            document.drawContents(
                painter, QRectF(0, number * body.height(), body.width(), body.height())
            )
            painter.restore()
    finally:
        painter.end()
    return pages
