"""The communes of Souss-Massa by HCP code, found by name in any spelling."""

from __future__ import annotations

import pytest

from protocol.communes import (
    address_commune,
    commune,
    commune_code,
    commune_name,
    find_commune,
    find_province,
    load,
    province_communes,
)


def test_the_extract_holds_the_six_provinces_and_their_175_communes() -> None:
    communes = load()
    assert [p.code for p in communes.provinces] == [
        "09.001", "09.163", "09.273", "09.541", "09.551", "09.581"
    ]  # fmt: skip
    assert len(communes.communes) == 175
    assert sum(len(province_communes(p.code)) for p in communes.provinces) == 175
    assert len(province_communes("09.273")) == 6
    assert all(c.rings and all(len(ring) >= 3 for ring in c.rings) for c in communes.communes)
    assert all(c.population > 0 for c in communes.communes)


@pytest.mark.parametrize(
    "spelling",
    ["Ait Melloul", "Aït Melloul", "AIT-MELLOUL", "آيت ملول", "أيت ملول", "09.273.01.05"],
)
def test_a_commune_is_found_by_its_code_or_any_spelling_of_its_name(spelling: str) -> None:
    found = find_commune(spelling)
    assert found is not None
    assert (found.code, found.name("fr"), found.name("ar")) == (
        "09.273.01.05",
        "Ait Melloul",
        "آيت ملول",
    )


def test_the_spellings_in_use_and_the_2014_codes_lead_to_the_2024_commune() -> None:
    taroudant = find_commune("Taroudant")
    assert taroudant is not None and taroudant.name_fr == "Taroudannt"
    assert commune_code("Ouled Berhil") == "09.541.01.07"
    # Talmakante was 09.541.05.31 before 2015: its boundary comes under the new code.
    talmakante = commune("09.541.11.33")
    assert talmakante is not None and talmakante.rings


def test_a_name_not_of_souss_massa_is_kept_as_it_was_typed() -> None:
    assert find_commune("Casablanca") is None
    assert commune_code("Casablanca") == "Casablanca"
    assert commune_name("Casablanca", "ar") == "Casablanca"


def test_a_code_is_shown_as_the_name_in_the_language_asked() -> None:
    assert commune_name("09.581.01.07", "fr") == "Tiznit"
    assert commune_name("09.581.01.07", "ar") == "تيزنيت"
    assert commune_name("09.581.01.07", "zgh") == "ⵜⵉⵣⵏⵉⵜ"
    assert find_commune("ⵜⵉⵣⵏⵉⵜ") is find_commune("tiznit") is commune("09.581.01.07")
    assert commune_name("09.999.01.01", "fr") == "09.999.01.01"


def test_a_directory_address_keeps_its_commune_s_code_else_what_it_said() -> None:
    assert address_commune("Aït Melloul", "Ait Melloul") == "09.273.01.05"
    assert address_commune(None, "أيت ملول") == "09.273.01.05"  # no commune: the city
    assert address_commune("", "ⵜⵉⵣⵏⵉⵜ") == "09.581.01.07"
    assert address_commune("Marrakech", "Marrakech") == "Marrakech"
    assert address_commune(None, "Douar Tagadirt") is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("09.541", "09.541"),
        ("Taroudant", "09.541"),  # the commune it is named after, in another spelling
        ("تيزنيت", "09.581"),
        ("Agadir Ida-Outanane", "09.001"),
        ("chtouka ait baha", "09.163"),
    ],
)
def test_a_province_is_found_by_its_code_or_name(text: str, code: str) -> None:
    found = find_province(text)
    assert found is not None and found.code == code


def test_a_commune_not_named_like_its_province_names_no_province() -> None:
    assert find_province("Agadir") is None  # the préfecture is Agadir-Ida-Ou-Tanane
    assert find_province("Akka") is None
    assert find_province("Casablanca") is None


def test_neighbouring_communes_share_their_simplified_border() -> None:
    """The outlines were simplified along shared borders: no gaps nor overlaps between
    neighbours, every commune of a préfecture borders another one side for side."""

    def sides(code: str) -> set[frozenset[tuple[float, float]]]:
        found = commune(code)
        assert found is not None
        return {
            frozenset((a, b))
            for ring in found.rings
            for a, b in zip(ring, (*ring[1:], ring[0]), strict=True)
        }

    codes = [c.code for c in province_communes("09.273")]
    for code in codes:
        others = set().union(*(sides(other) for other in codes if other != code))
        assert sides(code) & others, code
