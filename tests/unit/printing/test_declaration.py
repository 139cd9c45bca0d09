"""``baom privacy declaration`` as the office gets it: an A4 PDF read back by poppler, in
French and Arabic, with its facts from the settings, audited; clear errors (poppler-utils
is needed: without it these tests fail, they never skip)."""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from db.models import AuditEntry
from kiosk.declaration import DeclarationError, write_declaration
from kiosk.office import OfficeContext
from printing.declaration import declaration_pdf
from ui.main import main


def baom(office: OfficeContext, *args: str) -> int:
    folders = [
        "--data-dir",
        str(office.paths.data_dir),
        "--config-dir",
        str(office.paths.config_dir),
    ]
    return main([*folders, *args])


def pdf_text(path: Path) -> str:
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    plain = unicodedata.normalize("NFKC", text)  # Arabic comes out in presentation forms
    plain = re.sub("[\u202a-\u202e\u2066-\u2069]", "", plain)  # and its runs marked
    return " ".join(plain.split())


def declarations(office: OfficeContext) -> list[str]:
    with office.store.session() as session:
        return list(
            session.scalars(
                select(AuditEntry.detail).where(AuditEntry.action == "privacy_declaration")
            )
        )


def test_the_french_declaration_says_the_facts_and_the_current_settings(
    office: OfficeContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    office.settings.set(office.system, "retention.closed_case_months", "36")
    out = tmp_path / "declaration.pdf"
    assert baom(office, "privacy", "declaration", "--lang", "fr", "--out", str(out), "--json") == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["path"] == str(out) and answer["language"] == "fr"
    case = next(period for period in answer["retention"] if period["key"] == "case")
    assert case["count"] == 36 and case["setting"] == "retention.closed_case_months"
    text = pdf_text(out)
    for said in (
        "Déclaration du traitement de données à caractère personnel",
        "BAOM Taliouine",
        "loi n° 09-08",
        "36 mois après la clôture du dernier dossier de la personne",
        "Données sensibles",
        "Aucun transfert de données hors du Maroc",
        "SQLCipher 4",
        "Argon2id",
        "AES-256-GCM",
        "baom person erase",
        "page 1 /",
    ):
        assert said in text, said
    info = subprocess.run(["pdfinfo", str(out)], check=True, capture_output=True, text=True).stdout
    assert "(A4)" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages > 1 and f"page {pages} / {pages}" in text
    assert declarations(office) == ["fr: declaration.pdf"]


def ink_centre(page: Path) -> float:
    """Where the page's ink is across its width, 0 (left edge) to 1 (right edge)."""
    image = Image.open(page).convert("L")
    columns = [0] * image.width
    pixels = image.load()
    assert pixels is not None
    for y in range(0, image.height, 2):
        for x in range(image.width):
            if pixels[x, y] < 128:
                columns[x] += 1
    total = sum(columns)
    return sum(x * count for x, count in enumerate(columns)) / total / image.width


def test_the_arabic_declaration_is_in_arabic_right_to_left(
    office: OfficeContext, tmp_path: Path
) -> None:
    arabic, french = tmp_path / "ar.pdf", tmp_path / "fr.pdf"
    assert baom(office, "privacy", "declaration", "--lang", "ar", "--out", str(arabic)) == 0
    assert baom(office, "privacy", "declaration", "--lang", "fr", "--out", str(french)) == 0
    text = pdf_text(arabic)
    for said in (
        "التصريح بمعالجة المعطيات ذات الطابع الشخصي",
        "المسؤول عن المعالجة",
        "شهرا بعد إغلاق آخر ملف للشخص",  # poppler moves the figure: drawn "24 شهرا"
        "المعطيات الحساسة",
        "لا يتم نقل أي معطيات إلى خارج المغرب",
        "BAOM Taliouine",
    ):
        assert said in text, said
    centres = {}
    for name, pdf in (("ar", arabic), ("fr", french)):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "40", "-f", "2", "-l", "2", "-singlefile", str(pdf), name],
            check=True,
            timeout=60,
            cwd=tmp_path,
        )
        centres[name] = ink_centre(tmp_path / f"{name}.png")
    assert centres["ar"] > 0.55 > 0.45 > centres["fr"]  # Arabic lines end on the right


def test_a_bad_language_or_an_unwritable_file_is_one_clear_line(
    office: OfficeContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        baom(office, "privacy", "declaration", "--lang", "en", "--out", str(tmp_path / "d.pdf"))
    assert exited.value.code == 2
    assert "invalid choice: 'en' (choose from 'fr', 'ar')" in capsys.readouterr().err
    missing = tmp_path / "no-such-folder" / "d.pdf"
    assert baom(office, "privacy", "declaration", "--lang", "fr", "--out", str(missing)) == 1
    assert capsys.readouterr().err == (
        f"baom: the declaration could not be written to {missing}: No such file or directory\n"
    )
    folder = tmp_path / "out"
    folder.mkdir()
    assert baom(office, "privacy", "declaration", "--lang", "fr", "--out", str(folder)) == 1
    assert capsys.readouterr().err == f"baom: {folder} is a folder: give the PDF file's name\n"
    assert declarations(office) == []
    assert list(folder.iterdir()) == []


def test_the_core_refuses_a_language_the_cndp_does_not_read(
    office: OfficeContext, tmp_path: Path
) -> None:
    with pytest.raises(DeclarationError, match="written in fr or ar, not 'zgh'"):
        write_declaration(office, "zgh", tmp_path / "d.pdf", declaration_pdf)
    assert declarations(office) == [] and not (tmp_path / "d.pdf").exists()
