"""The kiosk's pictograms (resources/pictograms/*.svg) and the large buttons that carry them.

A visitor who reads none of the four languages chooses by the picture: every choice of the
kiosk is one big button, a pictogram above a label in the visitor's language.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QPainter, QPixmap
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout

from ui.styles import named

FALLBACK = "question"
TOUCH_TARGET_MM = 15


@cache
def pictogram_svg(name: str) -> bytes:
    """The SVG text of pictogram ``name`` (the question mark when there is none)."""
    folder = resources.files("resources") / "pictograms"
    entry = folder / f"{name}.svg"
    if not entry.is_file():
        entry = folder / f"{FALLBACK}.svg"
    return entry.read_bytes()


def pictogram(name: str, size: int) -> QPixmap:
    """Pictogram ``name`` drawn as a square pixmap of ``size`` device-independent pixels."""
    from PySide6.QtSvg import QSvgRenderer  # only the kiosk draws pictograms

    ratio = QGuiApplication.primaryScreen().devicePixelRatio() if QGuiApplication.instance() else 1
    pixmap = QPixmap(QSize(size, size) * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    renderer = QSvgRenderer(QByteArray(pictogram_svg(name)))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return pixmap


def millimetres(pixels: int) -> float:
    """How long ``pixels`` are on the primary screen, in millimetres."""
    dpi = QGuiApplication.primaryScreen().physicalDotsPerInch() or 96.0
    return pixels * 25.4 / dpi


def is_tifinagh(text: str) -> bool:
    """Whether ``text`` is written in Tifinagh (U+2D30 to U+2D7F)."""
    return any("\u2d30" <= character <= "\u2d7f" for character in text)


class PictogramButton(QPushButton):
    """A large touch button: a pictogram above a wrapped label."""

    def __init__(self, pictogram_name: str, icon_px: int, object_name: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.pictogram_name = pictogram_name
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # the keypad's (ui.kiosk_keys), not a touch's
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(QSize(icon_px + 80, icon_px + 64))
        self.icon_label = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.icon_label.setPixmap(pictogram(pictogram_name, icon_px))
        # Decorative: the button's accessible name says it all; the picture has no name.
        self.icon_label.setAccessibleName("")
        self.icon_label.setAccessibleDescription("")
        self.icon_label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.text_label = named(QLabel(alignment=Qt.AlignmentFlag.AlignCenter), "pictogramText")
        self.text_label.setWordWrap(True)
        for label in (self.icon_label, self.text_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.icon_label, 1)
        layout.addWidget(self.text_label)

    def set_label(self, text: str) -> None:
        """The label under the pictogram (also the accessible name); Tifinagh a size larger."""
        self.text_label.setText(text)
        self.text_label.setProperty("script", "tifinagh" if is_tifinagh(text) else "")
        self.text_label.style().polish(self.text_label)
        self.setAccessibleName(text)

    def label(self) -> str:
        """The label under the pictogram."""
        return self.text_label.text()
