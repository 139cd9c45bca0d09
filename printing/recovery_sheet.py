"""The recovery sheet: one A4 page with the office's recovery key, in French and Arabic.

French runs down the left half and Arabic, right to left, down the right half. Across the
page between them: the key's 12 words in Latin letters, numbered, in 3 rows of 4 read left
to right in both languages, and a QR code of the same words separated by spaces, so a phone
shows them. The texts are in ``resources/printing/recovery_sheet.toml``. The PDF is drawn
by Qt (vector text, Arabic shaped with the bundled Noto fonts) and written readable by its
owner only.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
)

from kiosk.recovery import RecoverySheet
from printing.layout import SCRIPT_FAMILY, is_right_to_left, paragraph_option
from printing.qr import qr_matrix
from printing.qtenv import LATIN, ensure_qt, font

DPI = 300
MARGIN_MM = 15.0
COLUMNS = 4
QR_MODULE_MM = 1.0
ARABIC_LINE_SPACING = 1.6  # times the font size
GAP_MM = 10.0
BLACK = QColor(0, 0, 0)
GREY = QColor(90, 90, 90)
_ISOLATE = "\u2068{}\u2069"  # a name kept in its own order inside an Arabic sentence


def _dots(millimetres: float) -> float:
    return millimetres / 25.4 * DPI


def _size(points: float) -> int:
    """A font size in points, as the pixel size the page's resolution needs."""
    return round(points * DPI / 72)


@cache
def sheet_texts() -> dict[str, Any]:
    """The sheet's words by language (``resources/printing/recovery_sheet.toml``)."""
    folder = resources.files("resources") / "printing"
    return tomllib.loads((folder / "recovery_sheet.toml").read_text(encoding="utf-8"))


Line = tuple[str, float, bool, float]
"""A paragraph to draw: its text, its size in points, bold or not, the space after it (mm)."""


class _Page:
    """A QPainter on the A4 page's printable area, ``width`` dots wide."""

    def __init__(self, painter: QPainter, width: float) -> None:
        self.painter = painter
        self.width = width

    def text(self, line: Line, language: str, left: float, top: float, width: float) -> float:
        """Draw a paragraph wrapped to ``width`` on the language's side; returns the height
        it takes with the space after it."""
        text, points, bold, after = line
        right_to_left = is_right_to_left(language)
        qfont = font(_size(points), bold=bold, script=SCRIPT_FAMILY.get(language, LATIN))
        document = QTextDocument()
        document.documentLayout().setPaintDevice(self.painter.device())
        document.setDocumentMargin(0)
        document.setDefaultFont(qfont)
        document.setDefaultTextOption(paragraph_option(language))
        document.setPlainText(text)
        if right_to_left:  # Noto Sans Arabic's own line height leaves room for stacked marks
            spacing = QTextBlockFormat()
            natural = QFontMetricsF(qfont, self.painter.device()).height()
            spacing.setLineHeight(
                100 * ARABIC_LINE_SPACING * qfont.pixelSize() / natural,
                QTextBlockFormat.LineHeightTypes.ProportionalHeight.value,
            )
            cursor = QTextCursor(document)
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.mergeBlockFormat(spacing)
        document.setTextWidth(width)
        self.painter.save()
        self.painter.translate(left, top)
        document.drawContents(self.painter)
        self.painter.restore()
        return float(document.size().height()) + _dots(after)

    def columns(self, top: float, lines: dict[str, list[Line]], middle: float = 0.0) -> float:
        """French lines down the left side, Arabic ones down the right side, ``middle`` dots
        kept free between them; returns the height of the taller column."""
        gap = _dots(GAP_MM)
        width = (self.width - (middle + 2 * gap if middle else gap)) / 2
        heights = []
        for language, left in (("fr", 0.0), ("ar", self.width - width)):
            y = top
            for line in lines[language]:
                y += self.text(line, language, left, y, width)
            heights.append(y - top)
        return max(heights)

    def rule(self, top: float) -> float:
        """A line across the page; returns the height it takes with space around it."""
        middle = top + _dots(4)
        self.painter.setPen(QPen(BLACK, _dots(0.4)))
        self.painter.drawLine(QPointF(0, middle), QPointF(self.width, middle))
        return _dots(8)

    def words(self, words: Sequence[str], top: float) -> float:
        """The numbered words in 3 rows of 4, left to right; returns the grid's height."""
        cell_width, cell_height = self.width / COLUMNS, _dots(13)
        number_width, padding = _dots(9), _dots(2.5)
        word_font = _word_font(words, cell_width - number_width - 2 * padding)
        cells = [
            QRectF(column * cell_width, top + row * cell_height, cell_width, cell_height)
            for row, column in (divmod(index, COLUMNS) for index in range(len(words)))
        ]
        painter = self.painter
        painter.setPen(QPen(GREY, _dots(0.3)))
        painter.setFont(font(_size(12)))
        for number, cell in enumerate(cells, 1):
            painter.drawRect(cell)
            painter.drawText(
                cell.adjusted(padding, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, f"{number}."
            )
        painter.setPen(BLACK)
        painter.setFont(word_font)
        for word, cell in zip(words, cells, strict=True):
            painter.drawText(
                cell.adjusted(padding + number_width, 0, -padding, 0),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                word,
            )
        return cells[-1].bottom() - top

    def qr(self, data: str, top: float) -> float:
        """A QR code of ``data`` in whole dots per module, centred; returns its side."""
        matrix = qr_matrix(data)
        module = round(_dots(QR_MODULE_MM))
        left, y = round((self.width - len(matrix) * module) / 2), round(top)
        for row, cells in enumerate(matrix):
            for column, dark in enumerate(cells):
                if dark:
                    self.painter.fillRect(
                        left + column * module, y + row * module, module, module, BLACK
                    )
        return float(len(matrix) * module)


def _word_font(words: Sequence[str], cell_width: float) -> QFont:
    """The words' font: 18 pt bold, smaller if the widest word would not fit its cell."""
    qfont = font(_size(18), bold=True)
    widest = max(QFontMetricsF(qfont).horizontalAdvance(word) for word in words)
    if widest > cell_width:
        qfont.setPixelSize(int(qfont.pixelSize() * cell_width / widest))
    return qfont


def _lines(sheet: RecoverySheet) -> dict[str, dict[str, list[Line]]]:
    """Each part of the sheet (header, key, beside the QR code, sections) as lines by
    language."""
    parts: dict[str, dict[str, list[Line]]] = {}
    for language, texts in sheet_texts().items():
        isolate = _ISOLATE.format if is_right_to_left(language) else str
        values = {
            "office": isolate(sheet.office_name),
            "commune": isolate(sheet.commune),
            "date": isolate(sheet.printed_on.strftime("%d/%m/%Y")),
        }
        header: list[Line] = [
            (texts["title"], 20, True, 2),
            (texts["office"].format(**values), 13, True, 1),
        ]
        if sheet.commune:
            header.append((texts["commune"].format(**values), 12, False, 1))
        header.append((texts["printed"].format(**values), 12, False, 0))
        sections: list[Line] = []
        for section in texts["section"]:
            sections += [(section["title"], 10.5, True, 1), (section["text"], 10, False, 3)]
        own: dict[str, list[Line]] = {
            "header": header,
            "key": [(texts["key"], 13, True, 3)],
            "beside_qr": [(texts["order"], 11, False, 3), (texts["qr"], 11, False, 0)],
            "sections": sections,
        }
        for part, lines in own.items():
            parts.setdefault(part, {})[language] = lines
    return parts


def _paint(page: _Page, sheet: RecoverySheet) -> float:
    """Draw the whole sheet from the top of the page; returns the height it took."""
    parts = _lines(sheet)
    top = page.columns(0, parts["header"])
    top += page.rule(top)
    top += page.columns(top, parts["key"])
    top += page.words(sheet.words, top) + _dots(8)
    side = page.qr(" ".join(sheet.words), top)
    top += max(side, page.columns(top, parts["beside_qr"], middle=side))
    top += page.rule(top)
    return top + page.columns(top, parts["sections"])


def _render(sheet: RecoverySheet, scale: float) -> tuple[bytes, float]:
    """The PDF drawn at ``scale``, and its height as a share of the printable height."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(DPI)
    writer.setTitle(f"BAOM - {sheet.office_name}")
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    margins = QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM)
    writer.setPageMargins(margins, QPageLayout.Unit.Millimeter)
    area = writer.pageLayout().paintRectPixels(DPI)
    painter = QPainter(writer)
    try:
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.scale(scale, scale)
        height = _paint(_Page(painter, area.width() / scale), sheet) * scale
    finally:
        painter.end()
    buffer.close()
    return bytes(buffer.data().data()), height / area.height()


def recovery_sheet_pdf(sheet: RecoverySheet) -> bytes:
    """The sheet as the bytes of a one-page A4 PDF (drawn smaller when a long office
    name would push it past the page)."""
    ensure_qt()
    data, share = _render(sheet, 1.0)
    if share > 1:
        data, _ = _render(sheet, 1 / share)
    return data


def write_recovery_sheet(sheet: RecoverySheet, path: Path) -> None:
    """Write the sheet to ``path`` (a new file, owner-only); ``FileExistsError`` if taken."""
    data = recovery_sheet_pdf(sheet)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
