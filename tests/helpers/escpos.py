"""Reading ESC/POS bytes back: GS v 0 raster images decoded into one picture, and the cut."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

RASTER = b"\x1dv0"
CUTS = (b"\x1dV\x00", b"\x1dV\x01", b"\x1dVA", b"\x1dVB")


@dataclass(frozen=True)
class Decoded:
    """What a printer would print: the raster fragments stacked, and whether it cut."""

    image: Image.Image
    fragment_heights: tuple[int, ...]
    cut: bool


def decode(data: bytes) -> Decoded:
    """Stack every GS v 0 image of ``data`` (bit 1 is a black dot) top to bottom."""
    fragments: list[Image.Image] = []
    position = 0
    last_end = 0
    while (start := data.find(RASTER, position)) >= 0:
        header = data[start + 3 : start + 8]
        if len(header) < 5:
            raise ValueError(f"GS v 0 header cut short at byte {start}")
        mode, x_low, x_high, y_low, y_high = header
        if mode != 0:
            raise ValueError(f"GS v 0 in mode {mode}: only normal density is expected")
        width_bytes = x_low + 256 * x_high
        height = y_low + 256 * y_high
        body = data[start + 8 : start + 8 + width_bytes * height]
        if len(body) != width_bytes * height:
            raise ValueError(
                f"GS v 0 image at byte {start} lacks {width_bytes * height - len(body)} bytes"
            )
        ink = Image.frombytes("1", (width_bytes * 8, height), body)
        fragments.append(ink.point(lambda level: 0 if level else 255, mode="1"))
        position = last_end = start + 8 + len(body)
    if not fragments:
        raise ValueError("no GS v 0 image in the bytes")
    width = fragments[0].width
    if any(fragment.width != width for fragment in fragments):
        raise ValueError("the fragments differ in width")
    picture = Image.new("1", (width, sum(f.height for f in fragments)), 1)
    top = 0
    for fragment in fragments:
        picture.paste(fragment, (0, top))
        top += fragment.height
    tail = data[last_end:]
    return Decoded(picture, tuple(f.height for f in fragments), any(cut in tail for cut in CUTS))
