"""The recovery sheet as a reader gets it: rasterised by poppler, its QR code decoded, its
text extracted (poppler-utils is needed: without it these tests fail, they never skip)."""

from __future__ import annotations

import stat
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from kiosk.recovery import RecoverySheet, words
from printing.recovery_sheet import write_recovery_sheet

WORDS = tuple(words(bytes(range(16))))
SHEET = RecoverySheet("BAOM Taliouine", "Taliouine", date(2025, 3, 12), WORDS)


@pytest.fixture(scope="module")
def sheet_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sheet") / "recovery-sheet.pdf"
    write_recovery_sheet(SHEET, path)
    return path


def test_the_qr_code_gives_the_twelve_words(sheet_file: Path, tmp_path: Path) -> None:
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(sheet_file), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    page = Image.open(tmp_path / "page.png").convert("L")
    assert [found.text for found in zxingcpp.read_barcodes(page)] == [" ".join(WORDS)]


def test_the_office_the_words_and_both_languages_are_in_its_text(sheet_file: Path) -> None:
    text = subprocess.run(
        ["pdftotext", str(sheet_file), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    plain = unicodedata.normalize("NFKC", text)  # Arabic comes out in presentation forms
    assert "BAOM Taliouine" in plain
    assert "12/03/2025" in plain
    assert "Feuille de récupération" in plain
    assert "مفتاح الاسترجاع" in plain
    assert all(word in plain.split() for word in WORDS)


def test_it_is_one_a4_page(sheet_file: Path) -> None:
    info = subprocess.run(
        ["pdfinfo", str(sheet_file)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    assert "(A4)" in info
    assert [line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")] == ["1"]


def test_the_file_is_private_and_never_overwritten(sheet_file: Path) -> None:
    assert stat.S_IMODE(sheet_file.stat().st_mode) == 0o600
    before = sheet_file.read_bytes()
    with pytest.raises(FileExistsError):
        write_recovery_sheet(SHEET, sheet_file)
    assert sheet_file.read_bytes() == before
