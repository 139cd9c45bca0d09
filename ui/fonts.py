"""The bundled fonts (Noto Sans, Noto Sans Arabic, Noto Sans Tifinagh), loaded once per process.

The office PC may have no font that covers Arabic or Tifinagh, so the application ships its
own (resources/fonts, SIL Open Font License) and asks Qt to fall back from Latin to Arabic to
Tifinagh in that order. Qt shapes Arabic with HarfBuzz: no reshaping library is needed.
"""

from __future__ import annotations

import logging
from importlib import resources

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

FONT_FILES = (
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "NotoSansArabic-Regular.ttf",
    "NotoSansArabic-Bold.ttf",
    "NotoSansTifinagh-Regular.ttf",
)
FAMILIES = ["Noto Sans", "Noto Sans Arabic", "Noto Sans Tifinagh"]


def load_fonts() -> list[str]:
    """Register the bundled fonts with Qt; returns the families that were loaded."""
    folder = resources.files("resources") / "fonts"
    loaded: list[str] = []
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFontFromData((folder / name).read_bytes())
        if font_id < 0:
            log.warning("the bundled font %s could not be loaded", name)
            continue
        for family in QFontDatabase.applicationFontFamilies(font_id):
            if family not in loaded:
                loaded.append(family)
    return loaded


def application_font(point_size: float = 11) -> QFont:
    """The interface font: Noto Sans, then Noto Sans Arabic, then Noto Sans Tifinagh."""
    font = QFont()
    font.setFamilies(FAMILIES)
    font.setPointSizeF(point_size)
    return font


def install_fonts(app: QApplication) -> None:
    """Load the bundled fonts and make them the application's default font."""
    load_fonts()
    app.setFont(application_font())
