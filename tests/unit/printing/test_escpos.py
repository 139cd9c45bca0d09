"""ESC/POS output: GS v 0 fragments, the cut, and a real network connection to loopback."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import zxingcpp
from PIL import ImageChops

from printing.demo import demo_slip, demo_url
from printing.escpos_out import FRAGMENT_HEIGHT, escpos_chunks, send
from printing.printer import parse_uri
from printing.raster import rasterize
from printing.slip import slip_document
from printing.status import PRINTER_STATUS
from tests.helpers.escpos import decode
from tests.helpers.printers import loopback_printer

AT = datetime(2026, 11, 29, 13, 5, tzinfo=UTC)


def _slip_raster(language: str = "ar", width: int = 576):  # type: ignore[no-untyped-def]
    slip = demo_slip("BAOM Taliouine", "Taliouine", AT, {"fr": "Guichet 1"}, {"fr": "État civil"})
    return rasterize(slip_document(slip, language), width)


def test_the_bytes_are_gs_v_0_fragments_of_24_dot_lines_then_a_cut() -> None:
    raster = _slip_raster()
    chunks = escpos_chunks(raster, "TM-T20II")
    decoded = decode(b"".join(chunks))
    assert raster.height > 2 * FRAGMENT_HEIGHT
    assert len(decoded.fragment_heights) == len(chunks) - 1
    assert all(h % 24 == 0 and h <= FRAGMENT_HEIGHT for h in decoded.fragment_heights)
    assert decoded.cut
    assert chunks[0].startswith(b"\x1b@")
    top = decoded.image.crop((0, 0, raster.width, raster.height))
    assert ImageChops.difference(top.convert("L"), raster.image.convert("L")).getbbox() is None
    padding = decoded.image.crop((0, raster.height, raster.width, decoded.image.height))
    assert padding.convert("L").getextrema() in ((255, 255), None)


def test_a_slip_sent_over_the_network_reads_back_with_its_qr_code() -> None:
    raster = _slip_raster("ar")
    chunks = escpos_chunks(raster, "")
    with loopback_printer() as printer:
        delivery = send(parse_uri(printer.uri), chunks, profile="", width=576, timeout=2)
        (received,) = printer.wait_for_jobs(1)
    assert delivery.confirmed  # it answered the status request that follows the job
    assert received == b"".join(chunks) + PRINTER_STATUS
    image = decode(received).image
    assert image.width == 576
    assert [found.text for found in zxingcpp.read_barcodes(image.convert("L"))] == [demo_url()]


def test_a_pause_is_made_between_fragments_for_slow_printers() -> None:
    chunks = escpos_chunks(_slip_raster("fr", 384), "POS-5890")
    with loopback_printer() as printer:
        started = time.monotonic()
        send(parse_uri(printer.uri), chunks, profile="", width=384, timeout=2, pause_s=0.05)
        elapsed = time.monotonic() - started
        printer.wait_for_jobs(1)
    assert elapsed >= 0.05 * (len(chunks) - 1)
