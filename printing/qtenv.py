"""Qt for drawing without windows: a QGuiApplication when none exists, and the bundled fonts.

Drawing text needs a QGuiApplication (the font database lives in it). A command run without
a screen gets the ``offscreen`` platform; the windows' QApplication is reused when there is
one. Only QtGui is used here: printing never imports the widgets module.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from importlib import resources

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from printing.errors import FontsMissing

FONT_FILES = (
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "NotoSansArabic-Regular.ttf",
    "NotoSansArabic-Bold.ttf",
    "NotoSansTifinagh-Regular.ttf",
)
_APPLICATION: list[QGuiApplication] = []  # the one this module made, kept alive with it
LATIN = "Noto Sans"
ARABIC = "Noto Sans Arabic"
TIFINAGH = "Noto Sans Tifinagh"


def _has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


@cache
def load_fonts() -> tuple[str, ...]:
    """Register the bundled fonts with Qt, once; returns the families loaded.

    Raises :class:`FontsMissing` when one of the three families could not be loaded.
    """
    folder = resources.files("resources") / "fonts"
    families: list[str] = []
    for name in FONT_FILES:
        font_id = QFontDatabase.addApplicationFontFromData((folder / name).read_bytes())
        for family in QFontDatabase.applicationFontFamilies(font_id):
            if family not in families:
                families.append(family)
    missing = {LATIN, ARABIC, TIFINAGH} - set(families)
    if missing:
        raise FontsMissing(f"the bundled fonts {', '.join(sorted(missing))} could not be loaded")
    return tuple(families)


def ensure_qt() -> tuple[str, ...]:
    """Make sure a QGuiApplication exists and the bundled fonts are loaded; returns the
    families loaded. Safe to call often: the work is done once per process."""
    if QCoreApplication.instance() is None:
        if not os.environ.get("QT_QPA_PLATFORM") and not _has_display():
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        _APPLICATION.append(QGuiApplication([sys.argv[0] if sys.argv else "baom"]))
    return load_fonts()


def font(pixel_size: int, *, bold: bool = False, script: str = LATIN) -> QFont:
    """A font of the bundled families, sized in printer dots, ``script``'s family first."""
    ensure_qt()
    chosen = QFont()
    chosen.setFamilies([script, *(name for name in (LATIN, ARABIC, TIFINAGH) if name != script)])
    chosen.setPixelSize(pixel_size)
    chosen.setBold(bold)
    chosen.setHintingPreference(QFont.HintingPreference.PreferFullHinting)
    return chosen
