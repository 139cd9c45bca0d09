"""The A4 version: one or two slips a page, and a clear refusal without a system printer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinterInfo

from printing.errors import PrinterError
from printing.layout import Document, Text
from printing.pdf import print_on_system_printer, write_pdf
from printing.raster import rasterize


def _raster():  # type: ignore[no-untyped-def]
    return rasterize(Document("slip", (Text("Fiche d'orientation", "fr"),)), 576)


@pytest.mark.parametrize(("slips", "per_page", "pages"), [(1, 1, 1), (2, 2, 1), (3, 2, 2)])
def test_slips_go_one_or_two_to_an_a4_page(
    tmp_path: Path, slips: int, per_page: int, pages: int
) -> None:
    path = tmp_path / "slips.pdf"
    assert write_pdf([_raster()] * slips, path, per_page) == pages
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == pages
    assert re.search(rb"/MediaBox\s*\[0 0 595(\.\d+)? 842(\.\d+)?\]", data)


def test_three_slips_do_not_fit_one_page(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="one or two slips"):
        write_pdf([_raster()], tmp_path / "x.pdf", per_page=3)


@pytest.mark.skipif(
    bool(QPrinterInfo.availablePrinterNames()), reason="this machine has system printers"
)
def test_printing_without_a_system_printer_says_so() -> None:
    with pytest.raises(PrinterError, match="no system printer"):
        print_on_system_printer([_raster()])
    with pytest.raises(PrinterError, match="no system printer named 'Bureau'"):
        print_on_system_printer([_raster()], "Bureau")
