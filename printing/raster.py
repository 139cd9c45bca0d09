"""From a drawn document to pure black and white dots, and the exact raster as PNG or QImage."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from PySide6.QtGui import QImage

from printing.layout import Document, draw
from printing.printer import DEFAULT_DPI

THRESHOLD = 128
_LEVELS = [0 if level < THRESHOLD else 255 for level in range(256)]


@dataclass(frozen=True)
class Raster:
    """A 1-bit image (PIL mode ``"1"``, black is 0) as the printer will print it, dot for dot."""

    image: Image.Image
    dpi: int = DEFAULT_DPI

    @property
    def width(self) -> int:
        """Width in dots."""
        return int(self.image.width)

    @property
    def height(self) -> int:
        """Height in dots."""
        return int(self.image.height)

    def save_png(self, path: Path) -> None:
        """Write the exact raster as a 1-bit PNG carrying the printer's resolution."""
        self.image.save(path, format="PNG", dpi=(self.dpi, self.dpi))

    def to_qimage(self) -> QImage:
        """The raster as a QImage (for an on-screen preview of exactly what prints)."""
        data = self.image.tobytes()
        image = QImage(
            data, self.width, self.height, (self.width + 7) // 8, QImage.Format.Format_Mono
        )
        image.setColorTable([0xFF000000, 0xFFFFFFFF])
        return image.copy()  # owns its pixels: ``data`` is released after this call


def threshold(grey: QImage) -> Image.Image:
    """Pure black and white by a fixed threshold: no dithering, so text edges stay clean."""
    if grey.format() is not QImage.Format.Format_Grayscale8:
        grey = grey.convertToFormat(QImage.Format.Format_Grayscale8)
    size = (grey.width(), grey.height())
    pixels = bytes(grey.constBits())
    levels = Image.frombuffer("L", size, pixels, "raw", "L", grey.bytesPerLine(), 1)
    return levels.point(_LEVELS, mode="1")


def rasterize(document: Document, width: int, dpi: int = DEFAULT_DPI) -> Raster:
    """``document`` drawn ``width`` dots wide and thresholded: the raster that prints."""
    return Raster(threshold(draw(document, width)), dpi)
