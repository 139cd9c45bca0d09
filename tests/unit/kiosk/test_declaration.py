"""The office's declaration to the CNDP: its facts follow the inventory and the settings."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from kiosk.declaration import Declaration, build_declaration, gather
from kiosk.i18n import Catalog, default_catalog
from kiosk.office import OfficeContext
from kiosk.privacy_notice import MissingText
from protocol.privacy import FieldEntry, Inventory, inventory

CATALOG = default_catalog()


def plain(declaration: Declaration) -> str:
    """Every line of the declaration, one a line."""
    lines = [declaration.title, *declaration.header]
    for part in declaration.parts:
        lines += [part.heading, *(block.text for block in part.blocks)]
    return "\n".join(lines)


def catalog_with(**extra: str) -> Catalog:
    """The shipped catalog with French keys added (``declaration__x`` for dots)."""
    strings = {
        code: {key: CATALOG.text(code, key) for key in CATALOG.keys(code)} for code in CATALOG.codes
    }
    strings["fr"].update({key.replace("__", "."): text for key, text in extra.items()})
    return Catalog(strings)


def with_field(source: Inventory, record: str, entry: FieldEntry) -> Inventory:
    """``source`` with one more field in ``record``."""
    kept = source.records[record]
    changed = dataclasses.replace(kept, fields={**kept.fields, entry.name: entry})
    return dataclasses.replace(source, records={**source.records, record: changed})


def test_the_controller_is_the_office_and_the_retention_follows_the_settings(
    office: OfficeContext,
) -> None:
    before = gather(office)
    assert (before.office, before.commune) == ("BAOM Taliouine", "09.541.01.11")
    periods = {period.key: period for period in before.retention}
    assert (periods["case"].count, periods["case"].unit) == (24, "months")
    assert (periods["draft"].count, periods["draft"].unit) == (7, "days")
    office.settings.set(office.system, "retention.closed_case_months", "36")
    office.settings.set(office.system, "retention.draft_days", "3")
    office.settings.set(office.system, "accounts.max_failed_logins", "4")
    after = gather(office, today=date(2026, 12, 6))
    periods = {period.key: period for period in after.retention}
    assert periods["case"].count == 36 and periods["case"].automatic
    assert periods["case"].setting == "retention.closed_case_months"
    assert periods["draft"].count == 3
    assert (periods["audit"].count, periods["audit"].automatic) == (60, False)
    assert after.security["accounts.max_failed_logins"] == 4
    text = plain(build_declaration(after, CATALOG, "fr"))
    assert "36 mois après la clôture du dernier dossier de la personne" in text
    assert "3 jours après leur dernière modification" in text
    assert "06/12/2026" in text and "BAOM Taliouine" in text
    assert "\u2068Taliouine\u2069" in text  # the commune's name, not its HCP code
    arabic = plain(build_declaration(after, CATALOG, "ar"))
    assert "\u2068" + "تالوين" + "\u2069" in arabic
    assert "36 شهرا بعد إغلاق آخر ملف للشخص" in arabic
    assert "3 أيام بعد آخر تعديل لها" in arabic


def test_the_facts_are_the_inventorys(office: OfficeContext) -> None:
    facts = gather(office)
    assert facts.persons == ["visitor", "staff"]
    person = next(category for category in facts.data if category.record == "person")
    assert person.sensitive == ["nationality", "category", "disability"]
    assert {"given_name", "phone", "birth_year"} <= set(person.fields)
    assert "id" not in person.fields and "erased_at" not in person.fields  # not personal
    needs = next(category for category in facts.data if category.record == "case_need")
    assert needs.sensitive == ["need_key"]
    assert {"serve", "refer", "statistics"} <= set(facts.purposes)
    assert facts.region_clear == ["user_account.name"]  # nothing of a visitor in clear
    assert "nationality" in facts.region_statistics and "month" in facts.region_statistics
    assert facts.transfers_abroad == [] and facts.partners and facts.region_sealed
    assert "stat_record" not in {category.record for category in facts.data}  # de-identified


def test_a_field_added_to_the_inventory_appears_with_its_sensitivity(
    office: OfficeContext,
) -> None:
    entry = dataclasses.replace(
        inventory().record("person").fields["nationality"], name="residence_status"
    )
    source = with_field(inventory(), "person", entry)
    facts = gather(office, source)
    person = next(category for category in facts.data if category.record == "person")
    assert "residence_status" in person.fields and "residence_status" in person.sensitive
    words = catalog_with(declaration__field__person__residence_status="statut de séjour")
    text = plain(build_declaration(facts, words, "fr"))
    sensitive = (
        "nationalité, catégorie de migrant, situation de handicap (oui ou non, sans détail "
        "médical) et statut de séjour"
    )
    assert CATALOG.text("fr", "privacy.line", label="Données sensibles", text=sensitive) in text
    with pytest.raises(MissingText, match=r"declaration\.field\.person\.residence_status"):
        build_declaration(facts, CATALOG, "fr")


def test_a_record_added_about_a_visitor_is_declared_with_its_retention(
    office: OfficeContext,
) -> None:
    kept = inventory().record("case_entry")
    source = dataclasses.replace(
        inventory(),
        records={**inventory().records, "case_photo": dataclasses.replace(kept, name="case_photo")},
    )
    facts = gather(office, source)
    assert "case_photo" in next(p for p in facts.retention if p.key == "case").records
    with pytest.raises(MissingText, match=r"declaration\.record\.case_photo"):
        build_declaration(facts, CATALOG, "fr")


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_every_section_is_said_in_the_language(office: OfficeContext, language: str) -> None:
    declaration = build_declaration(gather(office), CATALOG, language)
    assert declaration.right_to_left == (language == "ar")
    assert len(declaration.parts) == 9
    assert [part.heading.split(". ", 1)[0] for part in declaration.parts] == [
        str(number) for number in range(1, 10)
    ]
    text = plain(declaration)
    for key in (
        "declaration.no_transfer",
        "declaration.recipient.partners",
        "declaration.end.case",
    ):
        assert CATALOG.text(language, key) in text, key
    for said in ("SQLCipher 4", "Argon2id", "AES-256-GCM", "HTTPS", "baom person export", "09"):
        assert said in text, said
    if language != "fr":  # its own words, not French left in its catalog
        assert "Responsable" not in text and "Aucun transfert" not in text


def test_an_office_without_a_commune_says_so(office: OfficeContext) -> None:
    facts = dataclasses.replace(gather(office), commune="")
    text = plain(build_declaration(facts, CATALOG, "fr"))
    assert "Commune : non renseignée" in text.replace("\u202f", " ")
    assert "(BAOM), commune de" not in text
    assert "BAOM Taliouine\u2069, bureau d'accueil et d'orientation des migrants (BAOM)." in text
