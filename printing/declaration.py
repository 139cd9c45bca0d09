"""The office's declaration to the CNDP (``kiosk.declaration``) as an A4 PDF, ready to attach.

A title, the office, the date, numbered sections with plain headings, and on every page a
footer with the office, the date and the page's number; Arabic right to left. The text is
laid out by a ``QTextDocument`` (Qt shapes Arabic with the bundled fonts) and paginated on
a ``QPdfWriter``, as the recovery sheet is drawn.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QBuffer, QIODevice

from kiosk.declaration import Block, Declaration
from printing.a4 import a4_writer, paint_pages, text_document
from printing.qtenv import ensure_qt

MARGIN_MM = 18.0
BODY_POINTS = 10.0


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
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    page = a4_writer(buffer, declaration.title, MARGIN_MM)
    document = text_document(page, declaration.language, BODY_POINTS)
    document.setHtml(declaration_html(declaration))
    footer = declaration.footer
    paint_pages(
        page,
        document,
        declaration.language,
        declaration.right_to_left,
        lambda number, pages: footer.replace("{page}", str(number)).replace("{pages}", str(pages)),
    )
    buffer.close()
    return bytes(buffer.data().data())
