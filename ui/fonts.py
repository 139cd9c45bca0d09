"""The interface font: the bundled Noto fonts (loaded by ``printing.qtenv``), Latin first.

The office PC may have no font that covers Arabic or Tifinagh, so the application ships its
own (resources/fonts, SIL Open Font License) and asks Qt to fall back from Latin to Arabic to
Tifinagh in that order. Qt shapes Arabic with HarfBuzz: no reshaping library is needed.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from printing.errors import FontsMissing
from printing.qtenv import ARABIC, LATIN, TIFINAGH, load_fonts

log = logging.getLogger(__name__)

FAMILIES = [LATIN, ARABIC, TIFINAGH]


def application_font(point_size: float = 11) -> QFont:
    """The interface font: Noto Sans, then Noto Sans Arabic, then Noto Sans Tifinagh."""
    font = QFont()
    font.setFamilies(FAMILIES)
    font.setPointSizeF(point_size)
    return font


def install_fonts(app: QApplication) -> None:
    """Load the bundled fonts and make them the application's default font."""
    try:
        load_fonts()
    except FontsMissing as error:
        log.warning("%s: Arabic or Tifinagh may not show correctly", error)
    app.setFont(application_font())
