"""Layout descriptions: a document is a column of blocks, drawn by Qt at the printer's width.

A slip, a ticket and the test page are each a :class:`Document` of plain blocks (text,
checklist items, rules, spaces, a QR code, a width ruler). :func:`draw` lays the blocks out
top to bottom on a grey image exactly as wide as the printer, one dot per pixel. Text is
shaped by Qt (HarfBuzz): Arabic is joined and right-aligned, the other scripts run left to
right. Every coordinate that is not text is a whole dot, so the QR code stays exact.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QTextLayout, QTextOption

from printing.qr import qr_matrix
from printing.qtenv import ARABIC, LATIN, TIFINAGH, font

RIGHT_TO_LEFT = frozenset({"ar"})
SCRIPT_FAMILY = {"ar": ARABIC, "zgh": TIFINAGH}
BODY = 24
SMALL = 20
LARGE = 32
MARGIN = 12
MAX_LINE_SPACING = 1.45  # times the font size, between the lines of one paragraph
QUIET_ZONE = 4
MIN_MODULE_DOTS = 4
MAX_MODULE_DOTS = 8


class Align(enum.Enum):
    """Where a line of text sits: the language's own side, or the middle."""

    NATURAL = "natural"
    CENTER = "center"


@dataclass(frozen=True)
class Text:
    """A paragraph in one language, wrapped at word boundaries to the printable width."""

    text: str
    language: str
    size: int = BODY
    bold: bool = False
    align: Align = Align.NATURAL


@dataclass(frozen=True)
class CheckItem:
    """One line of a checklist: an empty box to tick, then the text, on the language's side."""

    text: str
    language: str
    size: int = BODY


@dataclass(frozen=True)
class Rule:
    """A horizontal line across the printable width."""

    thickness: int = 2


@dataclass(frozen=True)
class Space:
    """Empty height, in dots."""

    height: int


@dataclass(frozen=True)
class QRCode:
    """A QR code (error correction M), centred, in whole dots per module, with its quiet zone."""

    data: str


@dataclass(frozen=True)
class WidthRuler:
    """Ticks every 8 dots across the whole width, longer ones every 64, and both edges."""

    height: int = 40


Block = Text | CheckItem | Rule | Space | QRCode | WidthRuler


@dataclass(frozen=True)
class Document:
    """A column of blocks: what one slip, ticket or test page says, independent of width."""

    name: str
    blocks: tuple[Block, ...]


Painter = Callable[[QPainter, int], None]


@dataclass(frozen=True)
class _Placed:
    height: int
    paint: Painter


def is_right_to_left(language: str) -> bool:
    """Whether ``language`` is written from right to left."""
    return language in RIGHT_TO_LEFT


def paragraph_option(language: str) -> QTextOption:
    """Word-wrapped paragraphs on the language's own side, in its direction (a page's
    ``QTextDocument``)."""
    right_to_left = is_right_to_left(language)
    option = QTextOption(
        (Qt.AlignmentFlag.AlignRight if right_to_left else Qt.AlignmentFlag.AlignLeft)
        | Qt.AlignmentFlag.AlignAbsolute
    )
    option.setTextDirection(
        Qt.LayoutDirection.RightToLeft if right_to_left else Qt.LayoutDirection.LeftToRight
    )
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    return option


def module_dots(width: int, modules: int) -> int:
    """Dots per QR module: about half the width for the code, never under 4 nor over 8."""
    fitting = (width // 2) // (modules + 2 * QUIET_ZONE)
    return max(MIN_MODULE_DOTS, min(MAX_MODULE_DOTS, fitting))


def _text_layout(
    text: str, language: str, size: int, bold: bool, align: Align, width: int
) -> tuple[QTextLayout, int]:
    script = SCRIPT_FAMILY.get(language, LATIN)
    layout = QTextLayout(text, font(size, bold=bold, script=script))
    option = QTextOption()
    right_to_left = is_right_to_left(language)
    option.setTextDirection(
        Qt.LayoutDirection.RightToLeft if right_to_left else Qt.LayoutDirection.LeftToRight
    )
    if align is Align.CENTER:
        option.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    elif right_to_left:
        option.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
    else:
        option.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute)
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.setCacheEnabled(True)
    layout.beginLayout()
    # Noto Sans Arabic's line height leaves room for stacked marks that printed words rarely
    # have: wrapped lines are brought closer, the block keeps its first and last line whole.
    advance = size * MAX_LINE_SPACING
    top = bottom = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, top))
        bottom = top + line.height()
        top += min(line.height(), advance)
    layout.endLayout()
    return layout, int(bottom + 0.999)


def _place_text(block: Text, width: int) -> _Placed:
    inner = width - 2 * MARGIN
    layout, height = _text_layout(
        block.text, block.language, block.size, block.bold, block.align, inner
    )

    def paint(painter: QPainter, top: int) -> None:
        layout.draw(painter, QPointF(MARGIN, top))

    return _Placed(height, paint)


def _place_check_item(block: CheckItem, width: int) -> _Placed:
    box = block.size * 3 // 4
    gap = block.size // 2
    inner = width - 2 * MARGIN - box - gap
    layout, height = _text_layout(
        block.text, block.language, block.size, False, Align.NATURAL, inner
    )
    right_to_left = is_right_to_left(block.language)
    box_left = width - MARGIN - box if right_to_left else MARGIN
    text_left = MARGIN if right_to_left else MARGIN + box + gap

    def paint(painter: QPainter, top: int) -> None:
        box_top = top + max(0, (int(layout.lineAt(0).height()) - box) // 2)
        for offset in range(2):  # a box outline two dots thick, drawn in whole dots
            painter.drawRect(
                QRect(
                    box_left + offset, box_top + offset, box - 1 - 2 * offset, box - 1 - 2 * offset
                )
            )
        layout.draw(painter, QPointF(text_left, top))

    return _Placed(max(height, box), paint)


def _place_rule(block: Rule, width: int) -> _Placed:
    def paint(painter: QPainter, top: int) -> None:
        painter.fillRect(MARGIN, top + 6, width - 2 * MARGIN, block.thickness, QColor(0, 0, 0))

    return _Placed(12 + block.thickness, paint)


def _place_qr(block: QRCode, width: int) -> _Placed:
    matrix = qr_matrix(block.data)
    size = len(matrix)
    dots = module_dots(width, size)
    side = (size + 2 * QUIET_ZONE) * dots
    left = (width - side) // 2 + QUIET_ZONE * dots

    def paint(painter: QPainter, top: int) -> None:
        black = QColor(0, 0, 0)
        origin = top + QUIET_ZONE * dots
        for row, cells in enumerate(matrix):
            for column, dark in enumerate(cells):
                if dark:
                    painter.fillRect(left + column * dots, origin + row * dots, dots, dots, black)

    return _Placed(side, paint)


def _place_ruler(block: WidthRuler, width: int) -> _Placed:
    def paint(painter: QPainter, top: int) -> None:
        black = QColor(0, 0, 0)
        painter.fillRect(0, top, width, 2, black)
        for x in range(0, width, 8):
            length = block.height if x % 64 == 0 else block.height // 3
            painter.fillRect(x, top, 1, length, black)
        painter.fillRect(width - 2, top, 2, block.height, black)
        painter.fillRect(0, top, 2, block.height, black)

    return _Placed(block.height, paint)


def _place(block: Block, width: int) -> _Placed:
    if isinstance(block, Text):
        return _place_text(block, width)
    if isinstance(block, CheckItem):
        return _place_check_item(block, width)
    if isinstance(block, Rule):
        return _place_rule(block, width)
    if isinstance(block, Space):
        return _Placed(block.height, lambda _painter, _top: None)
    if isinstance(block, QRCode):
        return _place_qr(block, width)
    return _place_ruler(block, width)


def draw(document: Document, width: int) -> QImage:
    """The document drawn in grey on white, ``width`` dots wide and as tall as it needs."""
    placed: Sequence[_Placed] = [_place(block, width) for block in document.blocks]
    height = max(1, sum(item.height for item in placed))
    image = QImage(width, height, QImage.Format.Format_Grayscale8)
    image.fill(255)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        painter.setPen(QColor(0, 0, 0))
        top = 0
        for item in placed:
            item.paint(painter, top)
            top += item.height
    finally:
        painter.end()
    return image
