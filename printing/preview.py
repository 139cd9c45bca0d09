"""A print job's picture read back from its stored ESC/POS bytes (the spool keeps no image).

The spool stores what goes to the printer: GS v 0 raster fragments. Stacking them gives back
the exact raster that prints, for an on-screen preview of a queued or doubtful job.
"""

from __future__ import annotations

from PIL import Image

from printing.printer import DEFAULT_DPI
from printing.raster import Raster

GS_V_0 = b"\x1dv0"


def raster_of_job(data: bytes, dpi: int = DEFAULT_DPI) -> Raster | None:
    """The raster held in ``data`` (ESC/POS bytes), or ``None`` when it holds no image."""
    fragments: list[Image.Image] = []
    position = 0
    while (start := data.find(GS_V_0, position)) >= 0:
        header = data[start + 3 : start + 8]
        if len(header) < 5 or header[0] != 0:
            return None
        width_bytes = header[1] + 256 * header[2]
        height = header[3] + 256 * header[4]
        body = data[start + 8 : start + 8 + width_bytes * height]
        if len(body) != width_bytes * height or width_bytes == 0 or height == 0:
            return None
        ink = Image.frombytes("1", (width_bytes * 8, height), body)  # bit 1 is a black dot
        fragments.append(ink.point(lambda level: 0 if level else 255, mode="1"))
        position = start + 8 + len(body)
    if not fragments or any(f.width != fragments[0].width for f in fragments):
        return None
    picture = Image.new("1", (fragments[0].width, sum(f.height for f in fragments)), 1)
    top = 0
    for fragment in fragments:
        picture.paste(fragment, (0, top))
        top += fragment.height
    return Raster(picture, dpi)
