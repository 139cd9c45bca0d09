"""The consent notice is written from the data inventory, in each of the four languages."""

from __future__ import annotations

import dataclasses
import html

import pytest

from kiosk.i18n import Catalog, default_catalog
from kiosk.privacy_notice import MissingText, Notice, build_notice, to_html
from protocol.privacy import Inventory, inventory

CATALOG = default_catalog()
INVENTORY = inventory()
LANGUAGES = CATALOG.codes


def plain(notice: Notice) -> str:
    """Every word of the notice, one paragraph a line."""
    lines = [notice.title]
    for section in notice.sections:
        lines += [section.heading, *section.paragraphs]
    return "\n".join(lines)


def visitor_purposes(source: Inventory) -> set[str]:
    """The purposes of the records about a visitor and of their fields (said here again,
    so that the notice is checked against the inventory, not against itself)."""
    found = set()
    for record in source.records.values():
        if record.about == "visitor":
            found |= {record.purpose} | {entry.purpose for entry in record.fields.values()}
    return found


def catalog_with(**extra: str) -> Catalog:
    """The shipped catalog with French keys added (``privacy__purpose__x`` for dots)."""
    strings = {
        code: {key: CATALOG.text(code, key) for key in CATALOG.keys(code)} for code in LANGUAGES
    }
    strings["fr"].update({key.replace("__", "."): text for key, text in extra.items()})
    return Catalog(strings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_notice_names_every_purpose_the_retention_the_sealed_copy_and_the_statistics(
    language: str,
) -> None:
    notice = build_notice(CATALOG, language)
    text = html.unescape(to_html(notice))
    assert all(line in text for line in plain(notice).split("\n"))  # the HTML says it all
    for purpose in sorted(visitor_purposes(INVENTORY) | {"statistics"}):
        assert CATALOG.text(language, f"privacy.purpose.{purpose}") in text, purpose
    months = INVENTORY.retention["case"]["months"]
    assert CATALOG.text(language, "privacy.months.other", months=months) in text
    for said in ("where_sealed", "where_statistics", "where_refer", "rights", "cndp"):
        assert CATALOG.text(language, f"consent_notice.{said}") in text, said
    assert "09-08" in text and "CNDP" in text


def test_arabic_is_right_to_left_and_the_text_is_escaped() -> None:
    assert 'dir="rtl"' in to_html(build_notice(CATALOG, "ar"))
    assert 'dir="rtl"' not in to_html(build_notice(CATALOG, "fr"))
    odd = catalog_with(consent_notice__title="<b>Vos données & vous</b>")
    assert "&lt;b&gt;Vos données &amp; vous&lt;/b&gt;" in to_html(build_notice(odd, "fr"))


def test_every_word_of_the_inventory_has_its_text() -> None:
    keys = CATALOG.keys("fr")
    records = INVENTORY.records.values()
    words = {f"privacy.purpose.{p}" for p in INVENTORY.purposes}
    words |= {f"privacy.why.{p}" for p in INVENTORY.purposes}
    words |= {f"privacy.basis.{r.basis}" for r in records}
    words |= {f"privacy.basis.{f.basis}" for r in records for f in r.fields.values()}
    words |= {f"privacy.reader.{reader}" for r in records for reader in r.readers}
    words |= {f"privacy.retention.{key}" for key in INVENTORY.retention}
    words |= {f"privacy.after.{rule['after']}" for rule in INVENTORY.retention.values()}
    assert sorted(words - keys) == []
    described = {key.split(".", 2)[2] for key in keys if key.startswith("privacy.field.")}
    columns = {f"{r.name}.{name}" for r in records for name in r.fields}
    assert sorted(described - columns) == []  # no description of a column that is gone


def test_a_purpose_without_text_fails_instead_of_going_missing() -> None:
    extra = dataclasses.replace(INVENTORY.records["person"], purpose="pets", name="pet")
    source = dataclasses.replace(INVENTORY, records={**INVENTORY.records, "pet": extra})
    with pytest.raises(MissingText, match=r"privacy\.purpose\.pets"):
        build_notice(CATALOG, "fr", source)


def test_the_notice_follows_the_inventory() -> None:
    pet = dataclasses.replace(INVENTORY.records["person"], purpose="pets", name="pet")
    retention = {**INVENTORY.retention, "case": {"months": 36, "after": "case_closed"}}
    source = dataclasses.replace(
        INVENTORY, records={**INVENTORY.records, "pet": pet}, retention=retention
    )
    catalog = catalog_with(
        privacy__purpose__pets="Nourrir votre chat", privacy__why__pets="pour qu'il ronronne."
    )
    before, after = plain(build_notice(catalog, "fr")), plain(build_notice(catalog, "fr", source))
    assert "Nourrir votre chat" not in before and "24 mois après la clôture" in before
    assert "Nourrir votre chat : pour qu'il ronronne." in after
    assert "36 mois après la clôture de votre dossier" in after and "24 mois" not in after


def test_a_record_that_stays_at_the_office_says_no_sealed_copy() -> None:
    local = {
        name: dataclasses.replace(record, leaves_office="never")
        for name, record in INVENTORY.records.items()
    }
    text = plain(build_notice(CATALOG, "fr", dataclasses.replace(INVENTORY, records=local)))
    assert CATALOG.text("fr", "consent_notice.where_sealed") not in text
    assert CATALOG.text("fr", "consent_notice.where_sealed") in plain(build_notice(CATALOG, "fr"))


@pytest.mark.parametrize(("months", "said"), [(1, "شهر واحد"), (3, "3 أشهر"), (24, "24 شهرا")])
def test_arabic_counts_months_as_arabic_does(months: int, said: str) -> None:
    retention = {**INVENTORY.retention, "case": {"months": months, "after": "case_closed"}}
    source = dataclasses.replace(INVENTORY, retention=retention)
    assert f"{said} بعد إغلاق ملفك" in plain(build_notice(CATALOG, "ar", source))
