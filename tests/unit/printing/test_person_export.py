"""A person's export on A4 as the person reads it: text extracted by poppler, pages
rasterised (poppler-utils is needed: without it these tests fail, they never skip)."""

from __future__ import annotations

import subprocess
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from db.uow import Actor
from kiosk.office import OfficeContext
from kiosk.persons.export import export_person
from printing.person_export import write_person_pdf
from tests.helpers.persons import OTHER_MARKER, two_persons

EXPORTED = datetime(2026, 5, 6, 10, 0, tzinfo=UTC)
SAID = {
    "fr": ("Ce que le bureau garde sur vous", "6 mai 2026", "page 1 sur", "Vos orientations"),
    "ar": ("ما يحتفظ به المكتب عنك", "6 ماي 2026", "الصفحة 1 من", "مكتب الحالة المدنية تالوين"),
    "zgh": ("ⵎⴰⵢⴷ ⵉⵃⴹⴰ ⵓⵙⵖⵉⵡⵙ ⵅⴼ ⴽ", "6 ⵎⴰⵢⵢⵓ 2026", "ⵜⴰⵙⵏⴰ 1 ⵙⴳ", "ⵉⴼⴰⵢⵍⵓⵜⵏ"),
}
BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


def _plain(text: str) -> str:
    """Text as compared: Arabic presentation forms undone, without the direction marks
    poppler adds around numbers, nor spaces (it moves them around those marks)."""
    return "".join(unicodedata.normalize("NFKC", text).translate(BIDI_CONTROLS).split())


def _poppler(*command: str) -> str:
    return subprocess.run(
        list(command), check=True, capture_output=True, text=True, timeout=60
    ).stdout


@pytest.fixture
def export(office: OfficeContext, tmp_path: Path) -> tuple[Path, OfficeContext, str]:
    officer = Actor(name="amina", role="officer", office_id=office.office_id)
    made = two_persons(office, officer)
    return tmp_path, office, made.person


def _pdf(export: tuple[Path, OfficeContext, str], language: str) -> Path:
    folder, office, person = export
    path = folder / f"export-{language}.pdf"
    supervisor = Actor(name="sara", role="supervisor", office_id=office.office_id)
    export_person(office, supervisor, person, path, language, write_person_pdf, EXPORTED)
    return path


@pytest.mark.parametrize("language", ["fr", "ar", "zgh"])
def test_it_is_written_in_the_persons_language_with_the_office_date_and_pages(
    export: tuple[Path, OfficeContext, str], language: str
) -> None:
    path = _pdf(export, language)
    text = _plain(_poppler("pdftotext", str(path), "-"))
    for said in SAID[language]:
        assert _plain(said) in text
    assert "BAOMTaliouine" in text
    assert "Aminata" in text and "Vientavecsasœur" in text
    assert OTHER_MARKER not in text and "Bintou" not in text
    info = _poppler("pdfinfo", str(path))
    assert "(A4)" in info


def test_tifinagh_is_drawn_with_its_font_not_boxes(
    export: tuple[Path, OfficeContext, str],
) -> None:
    fonts = _poppler("pdffonts", str(_pdf(export, "zgh")))
    assert "NotoSansTifinagh" in fonts


def _line_ink(path: Path, folder: Path) -> dict[str, tuple[float, float]]:
    """Where the first line of page 1 (the title) and its last (the footer) start and end,
    as shares of the width."""
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(path),
         str(folder / "page")],
        check=True,
        timeout=60,
    )  # fmt: skip
    page = Image.open(folder / "page.png").convert("L")
    width, height = page.size
    pixels = page.load()
    assert pixels is not None
    rows = [y for y in range(height) if any(pixels[x, y] < 128 for x in range(width))]
    assert rows, "page 1 is blank"
    found = {}
    for name, band in (
        ("title", range(rows[0], rows[0] + 12)),
        ("footer", range(rows[-1] - 6, rows[-1] + 1)),
    ):
        columns = [x for x in range(width) for y in band if pixels[x, y] < 128]
        found[name] = (min(columns) / width, max(columns) / width)
    return found


def test_arabic_runs_right_to_left_and_french_left_to_right(
    export: tuple[Path, OfficeContext, str], tmp_path: Path
) -> None:
    arabic = _line_ink(_pdf(export, "ar"), tmp_path)
    french = _line_ink(_pdf(export, "fr"), tmp_path)
    for line in ("title", "footer"):  # on the right margin in Arabic, the left one in French
        assert arabic[line][0] > 0.4 and arabic[line][1] > 0.85, (line, arabic)
        assert french[line][0] < 0.15 and french[line][1] < 0.7, (line, french)
