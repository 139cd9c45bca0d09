"""The office's declaration to the CNDP (``kiosk.declaration``) as an A4 PDF, ready to attach.

A title, the office, the date, numbered sections with plain headings, and on every page a
footer with the office, the date and the page's number; Arabic right to left. The text is
laid out by a ``QTextDocument`` (Qt shapes Arabic with the bundled fonts) and paginated on
a ``QPdfWriter``, as the recovery sheet is drawn.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from kiosk.declaration import Block, Declaration
from printing.layout import SCRIPT_FAMILY, paragraph_option
from printing.qtenv import LATIN, ensure_qt, font

DPI = 300
MARGIN_MM = 18.0
FOOTER_MM = 10.0
BODY_POINTS = 10.0
SMALL_POINTS = 8.0


def _pixels(points: float) -> int:
    return round(points * DPI / 72)


def _block(block: Block) -> str:
    text = html.escape(block.text)
    if block.kind == "subheading":
        return f"<h4>{text}</h4>"
    if block.kind == "item":
        return f"<ul><li>{text}</li></ul>"
    return f"<p>{text}</p>"


def declaration_html(declaration: Declaration) -> str:
    """The declaration as rich text, mirrored (``dir="rtl"``) for a right-to-left language."""
    parts = [f"<h1>{html.escape(declaration.title)}</h1>"]
    parts += [f"<p><b>{html.escape(line)}</b></p>" for line in declaration.header[:1]]
    parts += [f"<p>{html.escape(line)}</p>" for line in declaration.header[1:]]
    for part in declaration.parts:
        parts.append(f"<h2>{html.escape(part.heading)}</h2>")
        parts += [_block(block) for block in part.blocks]
    direction = "rtl" if declaration.right_to_left else "ltr"
    return f'<div dir="{direction}">{"".join(parts)}</div>'


def declaration_pdf(declaration: Declaration) -> bytes:
    """The declaration as the bytes of an A4 PDF, its pages numbered."""
    ensure_qt()
    script = SCRIPT_FAMILY.get(declaration.language, LATIN)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(DPI)
    writer.setTitle(declaration.title)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    margins = QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
    writer.setPageMargins(margins, QPageLayout.Unit.Millimeter)
    area = writer.pageLayout().paintRectPixels(DPI)
    band = FOOTER_MM / 25.4 * DPI
    body = QRectF(0, 0, area.width(), area.height() - band)
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    document.setDocumentMargin(0)
    document.setDefaultFont(font(_pixels(BODY_POINTS), script=script))
    document.setDefaultTextOption(paragraph_option(declaration.language))
    document.setHtml(declaration_html(declaration))
    document.setTextWidth(body.width())
    document.setPageSize(QSizeF(body.width(), body.height()))
    pages = document.pageCount()
    side = Qt.AlignmentFlag.AlignRight if declaration.right_to_left else Qt.AlignmentFlag.AlignLeft
    painter = QPainter(writer)
    if declaration.right_to_left:
        painter.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    try:
        for page in range(pages):
            if page:
                writer.newPage()
            painter.setFont(font(_pixels(SMALL_POINTS), script=script))
            painter.drawText(
                QRectF(0, area.height() - band, area.width(), band),
                side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignBottom,
                declaration.footer.replace("{page}", str(page + 1)).replace("{pages}", str(pages)),
            )
            painter.save()
            painter.translate(0, -page * body.height())
            document.drawContents(
                painter, QRectF(0, page * body.height(), body.width(), body.height())
            )
            painter.restore()
    finally:
        painter.end()
    buffer.close()
    return bytes(buffer.data().data())
