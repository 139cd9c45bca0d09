"""Rendering: exact widths, pure black and white, Arabic on the right, Latin on the left,
a QR code that reads back, and slips without personal data."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import zxingcpp
from PIL import Image

from kiosk.cases.codes import CODE_ALPHABET
from printing.demo import demo_data, demo_slip, demo_url
from printing.documents import TicketContent, printer_test_page, ticket_document
from printing.errors import SlipError
from printing.layout import MARGIN, MIN_MODULE_DOTS, Document, QRCode, Text, module_dots
from printing.qr import qr_matrix
from printing.raster import Raster, rasterize
from printing.slip import (
    ONE_LANGUAGE,
    SlipContent,
    check_referral_code,
    slip_document,
)

AT = datetime(2026, 11, 29, 13, 5, tzinfo=UTC)
DESK = {"fr": "Guichet 1", "ar": "الشباك 1"}
NEED = {"fr": "État civil", "ar": "الحالة المدنية"}


def _slip(**changes: object) -> SlipContent:
    slip = demo_slip("BAOM Taliouine", "Taliouine", AT, DESK, NEED)
    return SlipContent(**{**slip.__dict__, **changes})  # type: ignore[arg-type]


def _ink_columns(image: Image.Image) -> tuple[int, int]:
    """The leftmost and rightmost columns holding a black dot."""
    box = Image.eval(image.convert("L"), lambda level: 255 - level).getbbox()
    assert box is not None, "nothing was drawn"
    return box[0], box[2] - 1


def _qr_texts(raster: Raster) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(raster.image.convert("L"))]


@pytest.mark.parametrize("width", [576, 512, 384])
def test_a_slip_is_exactly_as_wide_as_the_printer_and_pure_black_and_white(width: int) -> None:
    raster = rasterize(slip_document(_slip(), "ar"), width)
    assert raster.width == width
    assert raster.image.mode == "1"
    assert {level for _, level in raster.image.convert("L").getcolors()} == {0, 255}


def test_arabic_is_right_aligned_and_latin_left_aligned() -> None:
    width = 576
    for language, text in (("ar", "مكتب الحالة المدنية"), ("fr", "Bureau d'état civil")):
        raster = rasterize(Document("one line", (Text(text, language),)), width)
        left, right = _ink_columns(raster.image)
        if language == "ar":
            assert right >= width - MARGIN - 4 and left > width // 3, (left, right)
        else:
            assert left <= MARGIN + 4 and right < 2 * width // 3, (left, right)


def test_long_text_wraps_within_the_margins() -> None:
    words = "Pièce d'identité des parents (passeport ou carte de séjour) " * 4
    unbreakable = "https://regional.baom.example/r/" + "x" * 80
    for language, text in (("fr", words), ("fr", unbreakable), ("ar", "الوثائق " * 30)):
        raster = rasterize(Document("long", (Text(text, language),)), 384)
        left, right = _ink_columns(raster.image)
        assert left >= MARGIN - 2 and right <= 384 - MARGIN + 1, (language, left, right)


def test_the_slip_qr_code_reads_back_as_the_counter_referral_link() -> None:
    raster = rasterize(slip_document(_slip(), "ar"), 576)
    assert _qr_texts(raster) == [demo_url()]


@pytest.mark.parametrize("width", [576, 384])
def test_qr_modules_are_whole_dots_with_a_quiet_zone(width: int) -> None:
    url = demo_url()
    modules = len(qr_matrix(url))
    dots = module_dots(width, modules)
    assert dots >= MIN_MODULE_DOTS
    raster = rasterize(Document("qr", (QRCode(url),)), width)
    side = (modules + 8) * dots
    assert raster.height == side
    ink = Image.eval(raster.image.convert("L"), lambda level: 255 - level).getbbox()
    assert ink is not None
    left, top, right, bottom = ink
    assert (right - left, bottom - top) == (modules * dots, modules * dots)
    assert top == 4 * dots and left == (width - side) // 2 + 4 * dots
    assert _qr_texts(raster) == [url]


def test_the_referral_code_avoids_letters_that_are_misread() -> None:
    assert not set("0O1IL") & set(CODE_ALPHABET)
    assert check_referral_code(demo_data().code) == demo_data().code
    with pytest.raises(SlipError, match="never 0, O, 1, I or L"):
        check_referral_code("K0QX-M1PR")


def _texts(document: Document) -> list[str]:
    return [block.text for block in document.blocks if isinstance(block, Text)]


def test_a_slip_is_bilingual_unless_one_language_is_wanted() -> None:
    both = _texts(slip_document(_slip(), "ar"))
    assert "ورقة التوجيه" in both and "Fiche d'orientation" in both
    one = _texts(slip_document(_slip(), "ar", ONE_LANGUAGE))
    assert "ورقة التوجيه" in one and "Fiche d'orientation" not in one
    assert _texts(slip_document(_slip(), "fr")).count("Fiche d'orientation") == 1


def test_the_first_name_prints_only_when_the_office_enables_it() -> None:
    without = " ".join(_texts(slip_document(_slip(), "fr")))
    assert demo_data().first_name not in without
    with_name = " ".join(_texts(slip_document(_slip(first_name="Aminata"), "fr")))
    assert "Prénom : Aminata" in with_name


def test_a_slip_has_no_field_for_personal_data() -> None:
    fields = set(SlipContent.__dataclass_fields__)
    assert not fields & {"name", "last_name", "person_phone", "nationality", "notes", "birth"}
    assert "first_name" in fields


def test_demo_contact_details_say_they_are_invented() -> None:
    slip = _slip()
    assert "demo" in slip.phone and slip.demo
    assert all(
        "démo" in text or "demo" in text or "تجربة" in text or "ⴰⵙⴽⴰⵏ" in text
        for text in slip.address.values()
    )


def test_a_ticket_and_the_test_page_render_at_the_printer_width() -> None:
    ticket = TicketContent("BAOM Taliouine", "B014", NEED, "ar", AT, 3)
    assert rasterize(ticket_document(ticket), 512).width == 512
    page = rasterize(printer_test_page("tcp://p", 576, "TM-T20II", AT), 576)
    assert page.width == 576
    left, right = _ink_columns(page.image)
    assert (left, right) == (0, 575)  # the ruler marks both edges
    assert _qr_texts(page) == ["BAOM printer test: 576 dots"]


def _box_columns(image: Image.Image) -> list[int]:
    """The columns holding a vertical run of ink as tall as a checklist box's side."""
    from printing.layout import BODY

    side = BODY * 3 // 4
    grey = image.convert("L")
    width, height = grey.size
    pixels = grey.load()
    found = []
    for x in range(width):
        run = best = 0
        for y in range(height):
            run = run + 1 if pixels[x, y] == 0 else 0
            best = max(best, run)
        if best >= side - 2:
            found.append(x)
    return found


@pytest.mark.parametrize(
    ("language", "text"),
    [("ar", "شهادة الولادة المسلمة من المستشفى"), ("fr", "Certificat de naissance")],
)
def test_a_checklist_box_starts_the_line_on_the_language_side(language: str, text: str) -> None:
    from printing.layout import BODY, CheckItem

    width = 576
    side = BODY * 3 // 4
    raster = rasterize(Document("checklist", (CheckItem(text, language),)), width)
    left, right = _ink_columns(raster.image)
    boxes = _box_columns(raster.image)
    gap = BODY // 2
    if language == "ar":  # the box at the right end, where an Arabic line starts
        box = (width - MARGIN - side, width - MARGIN - 1)
        between = (box[0] - gap, box[0] - 1)
    else:
        box = (MARGIN, MARGIN + side - 1)
        between = (box[1] + 1, box[1] + gap)
    assert (left, right)[language == "ar"] == box[language == "ar"]
    assert box[0] in boxes and box[1] in boxes  # both sides of the box, full height
    assert _ink_between(raster.image, *between) == 0  # the gap between box and text
    text_side = (left, box[0] - gap) if language == "ar" else (between[1] + 1, right)
    assert _ink_between(raster.image, *text_side) > 0  # the text, after the box


def _ink_between(image: Image.Image, first: int, last: int) -> int:
    """Black dots in the columns ``first`` to ``last``."""
    strip = image.convert("L").crop((first, 0, last + 1, image.height))
    return strip.histogram()[0]


def test_a_job_preview_is_the_exact_raster_read_back_from_its_bytes() -> None:
    from printing.escpos_out import escpos_chunks
    from printing.preview import raster_of_job

    raster = rasterize(slip_document(_slip(), "ar"), 576)
    back = raster_of_job(b"".join(escpos_chunks(raster, "")))
    assert back is not None and back.width == 576 and back.height >= raster.height
    top = back.image.crop((0, 0, raster.width, raster.height))
    assert top.tobytes() == raster.image.tobytes()
    assert raster_of_job(b"\x1b@no image") is None


def test_a_priority_ticket_says_so_on_paper_but_never_why() -> None:
    plain = TicketContent("BAOM Taliouine", "D001", NEED, "ar", AT, 0)
    priority = TicketContent("BAOM Taliouine", "D002", NEED, "ar", AT, 0, priority=True)
    plain_texts = " ".join(_texts(ticket_document(plain)))
    assert "أولوية" not in plain_texts and "prioritaire" not in plain_texts
    printed = _texts(ticket_document(priority))
    assert "تذكرة ذات أولوية" in printed and "Ticket prioritaire" in printed
    # a pregnancy or a disability is the visitor's own: a dropped ticket never tells it
    assert not any(word in " ".join(printed) for word in ("enceinte", "Handicap", "حامل"))
