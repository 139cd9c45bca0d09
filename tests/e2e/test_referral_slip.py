"""A real referral's slip, from the ticket to the QR code read back from the printed paper.

Demo office → ticket → intake → referral → ``baom print slip --referral`` to a network
printer on loopback: the printed raster's QR code is the referral's counter-referral link,
and the referral is recorded as sent (once: a second slip changes nothing). The slip also
renders to PNG in the four languages.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import zxingcpp
from PIL import Image

from tests.e2e.test_cli import baom
from tests.helpers.escpos import decode
from tests.helpers.intake import answers
from tests.helpers.printers import loopback_printer
from tests.helpers.sync_office import ACCOUNT

REGIONAL_URL = "https://regional.souss-massa.example"
ANSWERS = answers(person__language="ar")


def answer(data_dir: Path, *args: str) -> Any:
    """What ``baom … --json`` answered."""
    return json.loads(baom(data_dir, *args, "--json").stdout)


def demo_referral(data_dir: Path, language: str = "ar") -> dict[str, Any]:
    """A demo office, a visitor's ticket and intake, and a referral to the civil registry of
    Taliouine; returns ``baom referral show`` of the referral."""
    baom(data_dir, "demo", "--no-gui")
    baom(data_dir, "config", "set", "sync.server_url", REGIONAL_URL)
    ticket = answer(data_dir, "ticket", "take", "--reason", "civil_registration")
    answers = data_dir / "answers.json"
    answers.write_text(json.dumps({**ANSWERS, "person.language": language}), encoding="utf-8")
    saved = answer(data_dir, "intake", "submit", str(answers), "--ticket", ticket["number"])
    services = answer(data_dir, "directory", "search", "etat civil", "--commune", "Taliouine")
    service = next(hit for hit in services if hit["commune"] == "Taliouine")
    made = answer(
        data_dir,
        "referral",
        "create",
        "--case",
        saved["case_code"],
        "--service",
        service["service_id"],
        "--need",
        "civil_registration",
    )
    return dict(answer(data_dir, "referral", "show", made["code"]))


def qr_codes(image: Image.Image) -> list[str]:
    """The texts of the QR codes in ``image``."""
    return [found.text for found in zxingcpp.read_barcodes(image.convert("L"))]


def test_a_referrals_slip_prints_its_link_and_sends_the_referral(tmp_path: Path) -> None:
    referral = demo_referral(tmp_path)
    assert referral["state"] == "created"
    code, link = referral["code"], f"{REGIONAL_URL}/r/{referral['token']}"
    with loopback_printer() as printer:
        printed = answer(tmp_path, "print", "slip", "--referral", code, "--printer", printer.uri)
        again = answer(tmp_path, "print", "slip", "--referral", code, "--printer", printer.uri)
        first, second = printer.wait_for_jobs(2)
    assert printed["state"] == again["state"] == "printed"
    paper = decode(first)
    assert paper.cut and paper.image.width == 576
    assert qr_codes(paper.image) == [link]
    assert qr_codes(decode(second).image) == [link]
    shown = answer(tmp_path, "referral", "show", code)
    assert shown["state"] == "sent" and shown["sent_at"]
    assert referral["sent_at"] is None


def test_a_referrals_slip_renders_in_the_four_languages(tmp_path: Path) -> None:
    referral = demo_referral(tmp_path / "office", language="zgh")
    link = f"{REGIONAL_URL}/r/{referral['token']}"
    heights = {}
    for language in ("ar", "fr", "zgh", "en"):
        png = tmp_path / f"slip-{language}.png"
        baom(
            tmp_path / "office",
            "slip",
            "render",
            "--referral",
            referral["code"],
            "--lang",
            language,
            "--out",
            str(png),
        )
        with Image.open(png) as image:
            assert image.width == 576
            assert qr_codes(image) == [link]
            heights[language] = image.height
    assert heights["fr"] < min(heights["ar"], heights["en"])  # French alone: one language
    preferred = tmp_path / "preferred.png"
    baom(
        tmp_path / "office",
        "slip",
        "render",
        "--referral",
        referral["code"],
        "--out",
        str(preferred),
    )
    with Image.open(preferred) as image:
        assert image.height == heights["zgh"]  # the person's language when none is given
    shown = answer(tmp_path / "office", "referral", "show", referral["code"])
    assert shown["state"] == "created"  # a rendered file is not a slip handed out


def test_an_unknown_referral_is_named_in_a_plain_error(tmp_path: Path) -> None:
    baom(tmp_path, "office", "init", "BAOM Ammeln", "--admin", ACCOUNT[0])
    png = tmp_path / "slip.png"
    refused = baom(
        tmp_path, "slip", "render", "--referral", "ZZZZ-9999", "--out", str(png), check=False
    )
    assert refused.returncode == 1
    assert "no referral ZZZZ-9999" in refused.stderr and "Traceback" not in refused.stderr
    printed = baom(tmp_path, "print", "slip", "--referral", "ZZZZ-9999", check=False)
    assert printed.returncode == 1 and "no referral ZZZZ-9999" in printed.stderr
