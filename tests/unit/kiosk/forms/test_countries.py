"""Country names: the desk's short list, then every country from the CLDR, in four languages."""

from __future__ import annotations

import pytest

from kiosk.forms import load_form, validate_answers
from kiosk.forms.countries import common_nationalities, country_name, region_codes
from tests.helpers.intake import answers


def test_the_short_list_keeps_its_own_reviewed_names() -> None:
    assert country_name("CD", "fr") == "RD Congo"
    assert country_name("MA", "zgh") == "ⵍⵎⵖⵔⵉⴱ"
    assert country_name("SN", "ar") == "السنغال"


@pytest.mark.parametrize(
    ("language", "eritrea"),
    [("fr", "Érythrée"), ("ar", "إريتريا"), ("en", "Eritrea"), ("zgh", "ⵉⵔⵉⵜⵉⵔⵢⴰ")],
)
def test_a_country_off_the_short_list_is_named_in_the_officers_language(
    language: str, eritrea: str
) -> None:
    assert "ER" not in common_nationalities()
    assert country_name("ER", language) == eritrea


def test_every_valid_code_has_a_name_and_an_unknown_one_stays_a_code() -> None:
    for language in ("fr", "ar", "en", "zgh"):
        unnamed = [code for code in region_codes() if country_name(code, language) == code]
        assert unnamed == [], language
    assert country_name("AX", "zgh") == country_name("AX", "fr")  # no Tamazight name yet
    assert country_name("QQ", "ar") == "QQ"
    assert country_name("ER", "xx") == "Érythrée"  # an unknown language: French


def test_the_saharan_provinces_are_no_nationality() -> None:
    assert "MA" in region_codes()
    assert "EH" not in region_codes()
    form = load_form("intake")
    refused = validate_answers(form, answers(person__nationality="EH"))
    assert [error.field for error in refused.errors] == ["person.nationality"]
    assert validate_answers(form, answers(person__nationality="MA")).ok
