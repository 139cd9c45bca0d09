"""The monthly report (``kiosk.reports.monthly``) as an A4 PDF for the commune and funders.

The office's name, the month (and "provisional" for a month not over), the headline
figures, bar charts of the breakdowns drawn with ``QPainter``, every table, the method
note, and on each page a footer with the office, the month and the page's number; Arabic
right to left (the bars too). The text is laid out by a ``QTextDocument`` (Qt shapes
Arabic and Tifinagh with the bundled fonts) and paginated on a ``QPdfWriter``, as a
person's export is drawn.
"""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, QUrl
from PySide6.QtGui import (
    QColor,
    QImage,
    QPainter,
    QTextDocument,
)

from kiosk.reports.document import Document, Table, Value
from printing.a4 import DPI, a4_writer, paint_pages, pixels, text_document
from printing.layout import SCRIPT_FAMILY
from printing.qtenv import LATIN, ensure_qt, font

CSS_DPI = 96  # an image's width in rich text is in CSS pixels, scaled to the device's DPI
MARGIN_MM = 16.0
BODY_POINTS = 9.5
CHART_POINTS = 8.5
BAR_ROW_POINTS = 15.0
BAR_COLOUR = QColor("#2f6f8f")
STYLE = """
h1 { font-size: 20pt; margin-bottom: 4pt; }
h2 { font-size: 13pt; margin-top: 14pt; margin-bottom: 6pt; color: #1d4e66; }
h3 { font-size: 10.5pt; margin-top: 10pt; margin-bottom: 4pt; }
p { margin-top: 2pt; margin-bottom: 4pt; }
.provisional { color: #a33; font-weight: bold; }
.big { font-size: 18pt; font-weight: bold; color: #1d4e66; }
table.figures { border-collapse: collapse; border-color: #8fa3ad; margin-bottom: 6pt; }
th { background-color: #e6eef2; }
td.title { font-size: 10.5pt; font-weight: bold; background-color: #1d4e66; color: white; }
"""


def shown(document: Document, value: Value, kind: str) -> str:
    """A value as the PDF prints it: counts as they are, times with one decimal, shares
    as percentages, dates as dd/mm/yyyy; a dash for none."""
    if value is None:
        return document.none
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if kind == "share" and isinstance(value, float):
        return f"{value * 100:.1f} %".replace(".", document.decimal)
    if kind in ("minutes", "days") and isinstance(value, float):
        return f"{value:.1f}".replace(".", document.decimal)
    return str(value)


def _opposite(align: Qt.AlignmentFlag) -> Qt.AlignmentFlag:
    right = align == Qt.AlignmentFlag.AlignRight
    return Qt.AlignmentFlag.AlignLeft if right else Qt.AlignmentFlag.AlignRight


def _chart(document: Document, table: Table, width: int) -> QImage:
    """The counts of ``table`` as horizontal bars, labels on the language's side."""
    script = SCRIPT_FAMILY.get(document.language, LATIN)
    text_font = font(pixels(CHART_POINTS), script=script)
    row = pixels(BAR_ROW_POINTS)
    rows = [(str(label), count if isinstance(count, int) else 0) for label, count in table.rows]
    image = QImage(width, max(1, len(rows)) * row, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(text_font)
        label_width, value_width = int(width * 0.38), int(width * 0.08)
        bar_space = width - label_width - value_width - row // 2
        largest = max((count for _, count in rows), default=0) or 1
        for index, (label, count) in enumerate(rows):
            top = index * row
            bar = round(bar_space * count / largest)
            label_box = QRectF(0, top, label_width - row // 4, row)
            bar_box = QRectF(label_width, top + row * 0.18, bar, row * 0.64)
            value_box = QRectF(label_width + bar + row // 6, top, value_width, row)
            align = Qt.AlignmentFlag.AlignRight
            if document.right_to_left:  # mirrored: labels on the right, bars grow leftwards
                label_box.moveLeft(width - label_box.right())
                bar_box.moveLeft(width - bar_box.right())
                value_box.moveLeft(width - value_box.right())
                align = Qt.AlignmentFlag.AlignLeft
            painter.fillRect(bar_box, BAR_COLOUR)
            painter.setPen(QColor("black"))
            elided = painter.fontMetrics().elidedText(
                label, Qt.TextElideMode.ElideRight, int(label_box.width())
            )
            painter.drawText(label_box, align | Qt.AlignmentFlag.AlignVCenter, elided)
            other = (
                Qt.AlignmentFlag.AlignRight
                if document.right_to_left
                else Qt.AlignmentFlag.AlignLeft
            )
            painter.drawText(value_box, other | Qt.AlignmentFlag.AlignVCenter, str(count))
    finally:
        painter.end()
    return image


def _cell(document: Document, value: Value, kind: str) -> str:
    text = html.escape(shown(document, value, kind))
    if kind == "text":
        return f"<td>{text}</td>"
    return f'<td align="{"left" if document.right_to_left else "right"}">{text}</td>'


def _in_order(document: Document, cells: list[str]) -> str:
    """A row's cells, the first on the language's side: Qt lays a table's columns left to
    right whatever the direction of the text, so a right-to-left row is given reversed."""
    return "".join(cells[::-1] if document.right_to_left else cells)


def _table(document: Document, table: Table) -> str:
    widths = ["68%", "32%"] if len(table.columns) == 2 else [""] * len(table.columns)
    head = [
        f'<th width="{width}">{html.escape(column.header)}</th>'
        for column, width in zip(table.columns, widths, strict=True)
    ]
    rows = []
    for number, row in enumerate(table.rows):
        kinds = [
            table.row_kinds[number] if column.kind == "mixed" else column.kind
            for column in table.columns
        ]
        cells = [_cell(document, value, kind) for value, kind in zip(row, kinds, strict=True)]
        rows.append(f"<tr>{_in_order(document, cells)}</tr>")
    if not rows:
        rows.append(f'<tr><td colspan="{len(table.columns)}">{document.none}</td></tr>')
    title = (  # in the table's head, so that it never stays alone at a page's foot
        f'<tr><td class="title" colspan="{len(table.columns)}">{html.escape(table.title)}</td></tr>'
    )
    return (
        '<table class="figures" border="1" cellspacing="0" cellpadding="4" width="100%">'
        f"<thead>{title}<tr>{_in_order(document, head)}</tr></thead>{''.join(rows)}</table><p></p>"
    )


def _headline(document: Document) -> str:
    cells = []
    for label, value, kind in document.headline:
        figure = html.escape(shown(document, value, kind))
        cells.append(
            f'<td width="33%" align="center">{html.escape(label)}<br/>'
            f'<span class="big">{figure}</span></td>'
        )
    html_rows = [
        f"<tr>{_in_order(document, cells[start : start + 3])}</tr>"
        for start in range(0, len(cells), 3)
    ]
    return f'<table cellspacing="0" cellpadding="8" width="100%">{"".join(html_rows)}</table>'


def report_html(document: Document, chart_width: int | None = None) -> str:
    """The report as rich text (mirrored for a right-to-left language); with
    ``chart_width`` (CSS pixels), an image ``chart-KEY`` that wide for each charted table."""
    parts = [
        f"<h1>{html.escape(document.title)}</h1>",
        f"<p><b>{html.escape(document.subtitle)}</b></p>",
    ]
    if document.provisional:
        parts.append(f'<p class="provisional">{html.escape(document.provisional)}</p>')
    parts.append(f"<h2>{html.escape(document.headline_title)}</h2>")
    parts.append(_headline(document))
    charted = [table for table in document.tables if table.chart and table.rows]
    if chart_width and charted:
        parts.append(f"<h2>{html.escape(document.charts_title)}</h2>")
        for table in charted:
            parts.append(f"<h3>{html.escape(table.title)}</h3>")
            parts.append(f'<p><img src="chart-{table.key}" width="{chart_width}"/></p>')
    parts.append(f"<h2>{html.escape(document.tables_title)}</h2>")
    parts += [_table(document, table) for table in document.tables]
    parts.append(f"<h2>{html.escape(document.method_title)}</h2>")
    parts += [f"<p>{html.escape(paragraph)}</p>" for paragraph in document.method]
    direction = "rtl" if document.right_to_left else "ltr"
    return f'<div dir="{direction}">{"".join(parts)}</div>'


def write_report_pdf(document: Document, path: Path) -> int:
    """Write ``document`` to ``path`` as an A4 PDF; returns its pages."""
    ensure_qt()
    page = a4_writer(str(path), f"{document.title} — {document.month_label}", MARGIN_MM)
    chart_width = int(page.body.width() * 0.96)
    text = text_document(page, document.language, BODY_POINTS)
    text.setDefaultStyleSheet(STYLE)
    for table in document.tables:
        if table.chart and table.rows:
            text.addResource(
                QTextDocument.ResourceType.ImageResource,
                QUrl(f"chart-{table.key}"),
                _chart(document, table, chart_width),
            )
    text.setHtml(report_html(document, round(chart_width * CSS_DPI / DPI)))
    footer = document.footer
    return paint_pages(
        page,
        text,
        document.language,
        document.right_to_left,
        lambda number, pages: footer.replace("{page}", str(number)).replace("{pages}", str(pages)),
    )
